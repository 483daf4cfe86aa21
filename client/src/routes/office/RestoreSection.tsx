/**
 * Restore (owners only; OfficePage shows the link to owners, and the server answers a manager
 * with 403, whose message is shown here): the outlet document's history as restore points — when, who (by name),
 * what changed — and a restore of menu, staff names and roles, and settings to one of them,
 * after a confirm dialog. The server writes the difference as a new change, so every device
 * converges on it and the history stays whole (a restore can itself be undone the same way).
 */
import { useState } from 'react';
import type { OutletSettings, RestoreChange, RestorePoint, RestorePointsResponse, RestoreResult, UnknownWriter } from '@kiosk/shared';
import { useI18n, useT, type Translate } from '../../i18n';
import type { MessageKey } from '../../i18n/en';
import { ErrorLine, Panel, useAction, useLoad, useOffice } from './kit';

/** Touch targets of at least 44 × 44 px (WCAG 2.5.5). */
const target = 'min-h-[44px] min-w-[44px] rounded px-4 py-2';

const SECTION_KEY: Record<RestoreChange['section'], MessageKey> = {
  settings: 'restoreSectionSettings',
  categories: 'restoreSectionCategories',
  items: 'restoreSectionItems',
  modifierGroups: 'restoreSectionModifierGroups',
  promotions: 'restoreSectionPromotions',
  staff: 'restoreSectionStaff',
  devices: 'restoreSectionDevices',
};
const CHANGE_KEY: Record<RestoreChange['change'], MessageKey> = {
  added: 'restoreChangeAdded',
  removed: 'restoreChangeRemoved',
  changed: 'restoreChangeChanged',
};

/** Every setting by what an owner calls it: a new setting fails to compile until it has a label. */
export const SETTING_KEY: Record<keyof OutletSettings, MessageKey> = {
  name: 'settingName',
  currency: 'settingCurrency',
  locale: 'settingLocale',
  timeZone: 'settingTimeZone',
  businessDayStart: 'settingBusinessDayStart',
  taxes: 'settingTaxes',
  serviceCharge: 'settingServiceCharge',
  manualDiscountLimitBp: 'settingManualDiscountLimit',
  kitchenWarnSeconds: 'settingKitchenWarn',
  kitchenLateSeconds: 'settingKitchenLate',
};
const WRITER_KEY: Record<UnknownWriter, MessageKey> = {
  removed_account: 'restoreWriterRemovedAccount',
  setup: 'restoreWriterSetup',
  system: 'restoreWriterSystem',
};

/** What the owner reads for a change's entry: never a raw setting key or id. */
export function changeLabel(t: Translate, c: RestoreChange): string {
  if (c.section === 'settings') return Object.hasOwn(SETTING_KEY, c.label) ? t(SETTING_KEY[c.label as keyof OutletSettings]) : t('restoreSettingOther');
  return c.label || t('restoreUnnamed');
}

function describeChanges(t: Translate, changes: readonly RestoreChange[], more: number): string {
  const parts = changes.map((c) => `${t(SECTION_KEY[c.section])}: ${changeLabel(t, c)} (${t(CHANGE_KEY[c.change])})`);
  if (more > 0) parts.push(t('restoreMore', { count: more }));
  return parts.join(' · ');
}

export function RestoreSection() {
  const t = useT();
  const { language } = useI18n();
  const { api } = useOffice();
  const { data, error, reload } = useLoad<RestorePointsResponse>('/restore-points');
  const [asking, setAsking] = useState<RestorePoint | null>(null);
  const [done, setDone] = useState<RestoreResult | null>(null);
  const action = useAction();
  const time = (iso: string) => new Date(iso).toLocaleString(language === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });

  const restore = (point: RestorePoint) =>
    void action.run(async () => {
      setAsking(null);
      setDone(await api.write<RestoreResult>('POST', '/restore', { pointId: point.pointId }));
      reload();
    });

  return (
    <Panel title={t('restoreTitle')}>
      <p className="mb-3 text-sm text-slate-600">{t('restoreHelp')}</p>
      <ErrorLine error={error ?? action.error} />
      {done && (
        <p role="status" className="mb-3 rounded bg-emerald-50 p-3 text-emerald-900">
          {done.changes.length === 0 ? t('restoreNothing', { time: time(done.at) }) : t('restoreDone', { time: time(done.at), count: done.changes.length })}
        </p>
      )}
      {data && data.points.length === 0 && <p className="text-slate-600">{t('restoreNoPoints')}</p>}
      <ol aria-label={t('restorePoints')} className="flex flex-col gap-2">
        {data?.points.map((point, i) => (
          <li key={point.pointId} className="flex flex-wrap items-center gap-3 rounded border border-slate-200 p-3">
            <div className="min-w-0 flex-1">
              <p className="font-semibold">
                {time(point.at)} · {t(point.restore ? 'restoreRestoredBy' : 'restoreBy', { name: point.byUnknown ? t(WRITER_KEY[point.byUnknown]) : point.by })}
                {i === 0 && <span className="ml-2 rounded bg-slate-200 px-2 py-0.5 text-xs">{t('restoreCurrent')}</span>}
              </p>
              <p className="text-sm text-slate-600">{point.changes.length ? describeChanges(t, point.changes, point.more) : t('restoreNoChanges')}</p>
            </div>
            {i > 0 && (
              <button className={`${target} ring-1 ring-slate-300 disabled:opacity-50`} disabled={action.busy} onClick={() => setAsking(point)}>
                {t('restoreTo', { time: time(point.at) })}
              </button>
            )}
          </li>
        ))}
      </ol>
      {asking && (
        <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/40 p-4">
          <div role="dialog" aria-modal="true" aria-labelledby="restore-confirm-title" className="w-full max-w-md rounded-lg bg-white p-5 shadow-xl">
            <h2 id="restore-confirm-title" className="mb-2 text-lg font-bold">
              {t('restoreConfirmTitle', { time: time(asking.at) })}
            </h2>
            <p className="mb-4 text-sm text-slate-700">{t('restoreConfirmBody')}</p>
            <div className="flex flex-wrap justify-end gap-2">
              <button className={`${target} ring-1 ring-slate-300`} onClick={() => setAsking(null)}>
                {t('cancel')}
              </button>
              <button className={`${target} bg-rose-700 text-white`} onClick={() => restore(asking)}>
                {t('restoreConfirm')}
              </button>
            </div>
          </div>
        </div>
      )}
    </Panel>
  );
}
