/**
 * `/setup`: pairs this device with an outlet (server URL + a pairing code from the
 * back-office), as a POS terminal or a kitchen display with its stations. The token is kept
 * in localStorage; from then on the device opens straight into work, online or not.
 */
import { useState, type FormEvent } from 'react';
import { DEVICE_KINDS, type DeviceKind } from '@kiosk/shared';
import { LanguageSwitch, useT } from '../../i18n';
import { pairDevice } from '../../api/pairing';
import { clearCredentials, loadCredentials, saveCredentials } from '../../sync/credentials';
import { closeSession } from '../../sync/react';

export function SetupPage() {
  const t = useT();
  const existing = loadCredentials();
  const [serverUrl, setServerUrl] = useState(existing?.serverUrl ?? location.origin);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<DeviceKind>('terminal');
  const [stations, setStations] = useState('kitchen, bar');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const stationList = stations
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const paired = await pairDevice({ serverUrl, code, name: name || (kind === 'kitchen' ? 'Kitchen display' : 'Terminal'), kind, stations: stationList });
      await closeSession();
      saveCredentials({
        serverUrl,
        token: paired.token,
        renewalKey: paired.renewalKey,
        expiresAt: paired.expiresAt,
        deviceId: paired.deviceId,
        tenant: paired.tenant,
        outlet: paired.outlet,
        code: paired.code,
        kind: paired.kind ?? kind,
        name: paired.name ?? name,
        stations: paired.stations ?? (kind === 'kitchen' ? stationList : []),
        // The box and the cloud, when the server says: a page opened from the box learns the cloud only from here.
        ...(Array.isArray(paired.relays) && paired.relays.length > 0 ? { relays: paired.relays } : {}),
      });
      // A fresh page load opens the new device's documents from scratch.
      location.assign(kind === 'kitchen' ? '/kitchen' : '/pos');
    } catch (e) {
      setError(t('pairFailed', { message: e instanceof Error ? e.message : String(e) }));
      setBusy(false);
    }
  };

  return (
    <main className="mx-auto max-w-lg p-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-bold">{t('setupTitle')}</h1>
        <LanguageSwitch />
      </div>
      {existing && (
        <section className="mt-4 rounded-lg bg-white p-4 shadow">
          <p>{t('pairedAs', { name: existing.name || existing.deviceId, code: existing.code })}</p>
          <button
            type="button"
            className="mt-2 rounded bg-rose-600 px-3 py-2 text-white"
            onClick={async () => {
              await closeSession();
              clearCredentials();
              location.reload();
            }}
          >
            {t('unpair')}
          </button>
        </section>
      )}
      <form onSubmit={submit} className="mt-4 space-y-4 rounded-lg bg-white p-4 shadow">
        <label className="block">
          <span className="block text-sm font-medium">{t('serverUrl')}</span>
          <input
            className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
            type="url"
            required
            value={serverUrl}
            onChange={(e) => setServerUrl(e.target.value)}
          />
        </label>
        <label className="block">
          <span className="block text-sm font-medium">{t('pairingCode')}</span>
          <input
            className="mt-1 w-full rounded border border-slate-300 px-3 py-2 font-mono text-xl uppercase tracking-widest"
            required
            autoComplete="off"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </label>
        <label className="block">
          <span className="block text-sm font-medium">{t('deviceName')}</span>
          <input className="mt-1 w-full rounded border border-slate-300 px-3 py-2" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset>
          <legend className="text-sm font-medium">{t('role')}</legend>
          <div className="mt-1 flex gap-4">
            {DEVICE_KINDS.map((k) => (
              <label key={k} className="flex items-center gap-2">
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
                {k === 'terminal' ? t('roleTerminal') : t('roleKitchen')}
              </label>
            ))}
          </div>
        </fieldset>
        {kind === 'kitchen' && (
          <label className="block">
            <span className="block text-sm font-medium">{t('stations')}</span>
            <input className="mt-1 w-full rounded border border-slate-300 px-3 py-2" value={stations} onChange={(e) => setStations(e.target.value)} />
          </label>
        )}
        {error && (
          <p role="alert" className="text-rose-700">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} className="w-full rounded bg-slate-900 px-4 py-3 text-lg font-semibold text-white disabled:opacity-50">
          {busy ? t('pairing') : t('pair')}
        </button>
      </form>
    </main>
  );
}
