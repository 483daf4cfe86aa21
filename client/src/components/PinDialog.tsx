/**
 * Asks for a staff PIN and checks it OFFLINE against the outlet document's staff (shared
 * `verifyPin` on the stored hash). `requireManager` accepts only a manager's PIN (approvals).
 */
import { useState, type FormEvent } from 'react';
import type { StaffMember } from '@kiosk/shared';
import { useT } from '../i18n';
import { findStaffByPin } from '../orders/staff-pin';
import { Dialog } from './Dialog';

export function PinDialog({
  title,
  staff,
  requireManager,
  onClose,
  onApproved,
}: {
  title: string;
  staff: StaffMember[];
  requireManager?: boolean;
  onClose: () => void;
  onApproved: (member: StaffMember) => void;
}) {
  const t = useT();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const member = await findStaffByPin(staff, pin);
    if (!member) return setError(t('wrongPin'));
    if (requireManager && member.role !== 'manager') return setError(t('notAManager'));
    onApproved(member);
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit} className="space-y-3">
        <label className="block">
          <span className="block text-sm font-medium">{requireManager ? t('managerPin') : t('pin')}</span>
          <input
            autoFocus
            type="password"
            inputMode="numeric"
            autoComplete="off"
            className="mt-1 w-full rounded border border-slate-300 px-3 py-2 text-2xl tracking-widest"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 6))}
          />
        </label>
        {error && (
          <p role="alert" className="text-rose-700">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" className="rounded px-4 py-2 ring-1 ring-slate-300" onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" className="rounded bg-slate-900 px-4 py-2 font-semibold text-white">
            {t('approve')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
