/**
 * In the top bar of every device screen: who gives this outlet's order numbers — the shop box
 * or the cloud (issue 14) — read from the outlet document, so it is right offline too. While a
 * hand-over waits for the previous authority, it says so: new orders keep their provisional
 * reference until numbered.
 */
import { useMemo } from 'react';
import { readNumbering } from '@kiosk/shared';
import { useT } from '../i18n';
import { useDocVersion, useSession } from '../sync/react';

export function NumberingNote() {
  const t = useT();
  const session = useSession();
  const version = useDocVersion(session.outlet.doc);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useMemo(() => readNumbering(session.outlet.doc), [session.outlet.doc, version]);
  const kind = state.authority === 'cloud' ? 'cloud' : 'box';
  const text = !state.released ? t('numbersHandingOver') : kind === 'box' ? t('numbersByBox') : t('numbersByCloud');
  return (
    <span className="text-sm text-slate-300" data-testid="numbering-note" data-authority={kind}>
      {text}
    </span>
  );
}
