/** Staff of the outlet and their PINs (4–6 digits; terminals check them offline against a hash). */
import { useState } from 'react';
import { STAFF_ROLES, type StaffResponse, type StaffRole, type StaffView } from '@kiosk/shared';
import { useT } from '../../i18n';
import { buttonClass, ConfirmButton, ErrorLine, inputClass, Panel, quietButtonClass, useAction, useLoad, useOffice } from './kit';

/** The shared roles in the order the form offers them (owner last); a new role must get a place here. */
const DISPLAY_ORDER: Record<StaffRole, number> = { cashier: 0, manager: 1, kitchen: 2, owner: 3 };
const ROLES: StaffRole[] = [...STAFF_ROLES].sort((a, b) => DISPLAY_ORDER[a] - DISPLAY_ORDER[b]);

export function StaffSection() {
  const t = useT();
  const { api } = useOffice();
  const { data, error, reload } = useLoad<StaffResponse>('/staff');
  const [draft, setDraft] = useState<{ name: string; role: StaffRole; pin: string }>({ name: '', role: 'cashier', pin: '' });
  const add = useAction();
  return (
    <Panel title={t('officeStaff')}>
      <ErrorLine error={error} />
      <ul className="mb-4 flex flex-col gap-2">
        {data?.staff.map((member) => (
          <StaffRow key={member.id} member={member} onChange={reload} />
        ))}
      </ul>
      <form
        aria-label={t('addStaff')}
        className="flex flex-wrap items-end gap-2 border-t pt-3"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run(async () => {
            await api.write('POST', '/staff', { name: draft.name.trim(), role: draft.role, pin: draft.pin });
            setDraft({ name: '', role: 'cashier', pin: '' });
            reload();
          });
        }}
      >
        <label className="flex flex-col text-sm">
          {t('staffName')}
          <input className={inputClass} required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </label>
        <label className="flex flex-col text-sm">
          {t('role')}
          <select aria-label={t('role')} className={inputClass} value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as StaffRole })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`staffRole_${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t('pin')}
          <input
            className={inputClass}
            inputMode="numeric"
            autoComplete="off"
            required
            pattern="\d{4,6}"
            title={t('pinRule')}
            value={draft.pin}
            onChange={(e) => setDraft({ ...draft, pin: e.target.value.replace(/\D/g, '').slice(0, 6) })}
          />
        </label>
        <button className={buttonClass} disabled={add.busy}>
          {t('addStaff')}
        </button>
        <ErrorLine error={add.error} />
      </form>
    </Panel>
  );
}

function StaffRow({ member, onChange }: { member: StaffView; onChange(): void }) {
  const t = useT();
  const { api } = useOffice();
  const [pin, setPin] = useState('');
  const action = useAction();
  const path = `/staff/${encodeURIComponent(member.id)}`;
  return (
    <li aria-label={member.name} className="flex flex-wrap items-end gap-2 rounded border border-slate-200 p-2">
      <span className="min-w-40 font-medium">{member.name}</span>
      <span className="text-sm text-slate-600">{t(`staffRole_${member.role}`)}</span>
      <label className="flex flex-col text-sm">
        {t('newPinFor', { name: member.name })}
        <input
          className={`${inputClass} w-28`}
          inputMode="numeric"
          autoComplete="off"
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 6))}
        />
      </label>
      <button
        className={quietButtonClass}
        disabled={action.busy || pin.length < 4}
        onClick={() =>
          void action.run(async () => {
            await api.write('PATCH', path, { pin });
            setPin('');
            onChange();
          })
        }
      >
        {t('changePinOf', { name: member.name })}
      </button>
      <ConfirmButton
        label={t('removeStaff', { name: member.name })}
        confirmLabel={t('confirmRemove')}
        disabled={action.busy}
        onConfirm={() =>
          void action.run(async () => {
            await api.write('DELETE', path);
            onChange();
          })
        }
      />
      <ErrorLine error={action.error} />
    </li>
  );
}
