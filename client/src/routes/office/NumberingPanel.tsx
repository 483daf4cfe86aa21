/**
 * Who gives the outlet's order numbers (issue 14): the cloud or the shop's box, its hand-overs,
 * and (owners) moving it — to another paired box, or back to the cloud when a box is retired.
 * "The box is gone" forces the move when the old box can never hand over (broken, stolen).
 */
import { useState } from 'react';
import type { NumberingPartyView, NumberingView, PairingCodeResponse } from '@kiosk/shared';
import { useT, type Translate } from '../../i18n';
import { buttonClass, ConfirmButton, ErrorLine, Panel, useAction, useLoad, useOffice } from './kit';

export function partyName(t: Translate, party: NumberingPartyView): string {
  if (party.kind === 'cloud') return t('numberingCloud');
  return party.name ? t('numberingBoxNamed', { name: party.name }) : t('numberingBoxUnknown');
}

export function NumberingPanel() {
  const t = useT();
  const { api } = useOffice();
  const { data, error, reload } = useLoad<NumberingView>('/numbering');
  const move = useAction();
  const boxCode = useAction();
  const [code, setCode] = useState<PairingCodeResponse | null>(null);
  const [force, setForce] = useState(false);
  const moveTo = (to: 'cloud' | { box: string }) =>
    void move.run(async () => {
      await api.write('POST', '/numbering', { to, force });
      reload();
    });
  return (
    <Panel title={t('numberingTitle')}>
      <ErrorLine error={error} />
      {data && (
        <div className="flex flex-col gap-3" data-testid="numbering-authority" data-authority={data.current.kind}>
          <p className="text-lg">
            {t('numberingCurrent')} <strong>{partyName(t, data.current)}</strong>
          </p>
          {data.waitingForRelease && <p className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">{t('numberingWaiting')}</p>}
          {data.history.length > 0 && (
            <ol className="flex flex-col gap-1 text-sm text-slate-600">
              {data.history.map((h) => (
                <li key={h.epoch}>
                  {t('numberingHandOver', { from: partyName(t, h.from), to: partyName(t, h.to), time: new Date(h.at).toLocaleString() })}
                  {h.force ? ` — ${t('numberingForced')}` : ''}
                </li>
              ))}
            </ol>
          )}
          <div className="flex flex-wrap items-center gap-2">
            {data.current.kind === 'box' && (
              <ConfirmButton label={t('numberingToCloud')} confirmLabel={t('numberingToCloudConfirm')} disabled={move.busy} onConfirm={() => moveTo('cloud')} />
            )}
            {data.boxes
              .filter((b) => b.boxId !== data.current.boxId)
              .map((b) => (
                <ConfirmButton
                  key={b.boxId}
                  label={t('numberingToBox', { name: partyName(t, b) })}
                  confirmLabel={t('numberingToBoxConfirm', { name: partyName(t, b) })}
                  disabled={move.busy}
                  onConfirm={() => moveTo({ box: b.boxId! })}
                />
              ))}
            {data.current.kind === 'box' && (
              <label className="flex min-h-11 items-center gap-2 text-sm">
                <input type="checkbox" className="h-6 w-6" checked={force} onChange={(e) => setForce(e.target.checked)} />
                {t('numberingBoxGone')}
              </label>
            )}
          </div>
          <ErrorLine error={move.error} />
          <div className="border-t border-slate-200 pt-3">
            <p className="mb-2 text-sm text-slate-600">{t('boxPairingHelp')}</p>
            <button
              className={buttonClass}
              disabled={boxCode.busy}
              onClick={() => void boxCode.run(async () => setCode(await api.write<PairingCodeResponse>('POST', '/pairing-codes', { kind: 'box' })))}
            >
              {t('createBoxPairingCode')}
            </button>
            {code && (
              <p className="mt-3 text-lg">
                {t('pairingCode')}:{' '}
                <strong aria-label={t('newBoxPairingCode')} className="font-mono text-3xl tracking-widest">
                  {code.code}
                </strong>{' '}
                <span className="text-sm text-slate-600">{t('expiresAt', { time: new Date(code.expiresAt).toLocaleTimeString() })}</span>
              </p>
            )}
            <ErrorLine error={boxCode.error} />
          </div>
        </div>
      )}
    </Panel>
  );
}
