/**
 * On every screen: how this device is linked (shop box / cloud / offline), how many of its
 * changes no server has stored yet, and when everything was last stored. `data-relay` says
 * which kind of relay is in use while online (`box` | `cloud`), for tests and support; the
 * text never shows a URL or an id.
 */
import { useI18n } from '../i18n';
import { refusalMessageKey } from '../i18n/refusals';
import { useDay, useSession, useSyncState } from '../sync/react';

export function SyncIndicator() {
  const { t, language } = useI18n();
  const session = useSession();
  const outlet = useSyncState(session.outlet);
  const day = useSyncState(useDay());
  const pending = outlet.pending + day.pending;
  const link = day.link === 'refused' || outlet.link === 'refused' ? 'refused' : day.link;
  const via = day.via ?? outlet.via;
  const lastAll = [outlet.lastAllStoredAt, day.lastAllStoredAt].every((v) => v !== null)
    ? Math.min(outlet.lastAllStoredAt!, day.lastAllStoredAt!)
    : (day.lastAllStoredAt ?? outlet.lastAllStoredAt);
  // A refusal is shown by its reason token, translated; the raw code and text stay in the tooltip for support.
  const refusal = day.link === 'refused' ? day : outlet;
  const linkText =
    link === 'online'
      ? via === 'box'
        ? t('onlineBox')
        : via === 'cloud'
          ? t('onlineCloud')
          : t('online')
      : link === 'connecting'
        ? t('connecting')
        : link === 'refused'
          ? t('refused', { reason: t(refusalMessageKey(refusal.refusalReason)) })
          : t('offline');
  const dot = link === 'online' ? 'bg-emerald-500' : link === 'connecting' ? 'bg-amber-400' : 'bg-rose-500';
  const time = lastAll
    ? new Date(lastAll).toLocaleTimeString(language === 'id' ? 'id-ID' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : null;
  return (
    <div
      role="status"
      aria-label={t('syncStatus')}
      aria-live="polite"
      className="flex items-center gap-2 text-sm"
      data-link={link}
      data-relay={link === 'online' ? (via ?? 'unknown') : 'none'}
      data-pending={pending}
    >
      <span aria-hidden className={`inline-block h-2.5 w-2.5 rounded-full ${dot}`} />
      <span title={link === 'refused' ? (refusal.refusal ?? undefined) : undefined}>{linkText}</span>
      {link === 'refused' && (
        <a href="/setup" className="underline">
          {t('goToSetup')}
        </a>
      )}
      <span className="text-slate-400">·</span>
      <span>{pending > 0 ? t('pendingChanges', { count: pending }) : t('allStored')}</span>
      <span className="text-slate-400">·</span>
      <span className="text-slate-500">{time ? t('lastStored', { time }) : t('neverStored')}</span>
    </div>
  );
}
