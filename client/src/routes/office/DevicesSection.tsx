/** Devices of the outlet: pairing codes for new ones, rename, stations, and revoke (disconnects at once). */
import { useEffect, useState } from 'react';
import type { DevicesResponse, DeviceView, PairingCodeResponse } from '@kiosk/shared';
import { useT } from '../../i18n';
import { buttonClass, ConfirmButton, ErrorLine, inputClass, Panel, quietButtonClass, useAction, useLoad, useOffice } from './kit';
import { NumberingPanel } from './NumberingPanel';

export function DevicesSection() {
  const t = useT();
  const { api } = useOffice();
  const { data, error, reload } = useLoad<DevicesResponse>('/devices');
  const [pairing, setPairing] = useState<PairingCodeResponse | null>(null);
  const create = useAction();
  return (
    <>
      <Panel title={t('pairDevice')}>
        <p className="mb-2 text-sm text-slate-600">{t('pairingHelp')}</p>
        <button
          className={buttonClass}
          disabled={create.busy}
          onClick={() => void create.run(async () => setPairing(await api.write<PairingCodeResponse>('POST', '/pairing-codes')))}
        >
          {t('createPairingCode')}
        </button>
        {pairing && (
          <p className="mt-3 text-lg">
            {t('pairingCode')}:{' '}
            <strong aria-label={t('newPairingCode')} className="font-mono text-3xl tracking-widest">
              {pairing.code}
            </strong>{' '}
            <span className="text-sm text-slate-600">{t('expiresAt', { time: new Date(pairing.expiresAt).toLocaleTimeString() })}</span>
          </p>
        )}
        <ErrorLine error={create.error} />
      </Panel>
      <Panel title={t('officeDevices')}>
        <ErrorLine error={error} />
        <ul className="flex flex-col gap-2">
          {data?.devices.map((device) => (
            <DeviceRow key={device.id} device={device} onChange={reload} />
          ))}
        </ul>
      </Panel>
      <NumberingPanel />
    </>
  );
}

function DeviceRow({ device, onChange }: { device: DeviceView; onChange(): void }) {
  const t = useT();
  const { api } = useOffice();
  const [name, setName] = useState(device.name);
  const [stations, setStations] = useState(device.stations.join(', '));
  const serverStations = device.stations.join(', ');
  useEffect(() => {
    setName(device.name);
    setStations(serverStations);
  }, [device.name, serverStations]);
  const action = useAction();
  const revoked = device.revokedAt !== null;
  const save = () =>
    void action.run(async () => {
      const list = stations
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      await api.write('PATCH', `/devices/${encodeURIComponent(device.id)}`, { name: name.trim(), ...(device.kind === 'kitchen' ? { stations: list } : {}) });
      onChange();
    });
  return (
    <li aria-label={device.name} className={`flex flex-wrap items-end gap-2 rounded border p-2 ${revoked ? 'border-rose-200 bg-rose-50' : 'border-slate-200'}`}>
      <span className="w-10 font-mono text-lg font-bold">{device.code}</span>
      <label className="flex flex-col text-sm">
        {t('deviceName')}
        <input className={inputClass} disabled={revoked} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <span className="text-sm">{device.kind === 'kitchen' ? t('roleKitchen') : device.kind === 'box' ? t('roleBox') : t('roleTerminal')}</span>
      {device.kind === 'kitchen' && (
        <label className="flex flex-col text-sm">
          {t('stations')}
          <input className={inputClass} disabled={revoked} value={stations} onChange={(e) => setStations(e.target.value)} />
        </label>
      )}
      <span className="text-sm text-slate-600">
        {revoked
          ? t('deviceRevoked')
          : device.pairedByBox
            ? t('devicePairedByBox', { name: device.pairedByBox })
            : device.paired
              ? t('devicePaired')
              : t('deviceSeeded')}
      </span>
      {!revoked && (
        <>
          <button className={quietButtonClass} disabled={action.busy} onClick={save}>
            {t('saveDevice', { name: device.name })}
          </button>
          <ConfirmButton
            label={t('revokeDevice', { name: device.name })}
            confirmLabel={t('confirmRevoke', { name: device.name })}
            disabled={action.busy}
            onConfirm={() =>
              void action.run(async () => {
                await api.write('POST', `/devices/${encodeURIComponent(device.id)}/revoke`);
                onChange();
              })
            }
          />
        </>
      )}
      <ErrorLine error={action.error} />
    </li>
  );
}
