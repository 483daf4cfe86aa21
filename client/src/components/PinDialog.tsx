/**
 * Asks for a staff PIN and unlocks that person's approval key OFFLINE (the sealed envelopes of
 * the staff-keys document; a wrong PIN opens none). `requireManager` accepts only a manager's
 * or owner's PIN (approvals); the caller signs what was approved with the unlocked key
 * (`approver` of `voidLine` / `refund` / `cancelOrder`, `discountApprovalClaim`). Opening an
 * envelope is deliberately slow (argon2id), so the dialog shows that it is checking.
 */
import { useState, type FormEvent } from 'react';
import type { StaffKeyEnvelope, StaffMember } from '@kiosk/shared';
import { useT } from '../i18n';
import { PinCheckUnavailableError, pinCheckProblem, unlockStaffByPin, type Unlocked } from '../orders/staff-pin';
import { Dialog } from './Dialog';
import { PinUnavailable } from './SecureContextBanner';

export function PinDialog({
  title,
  staff,
  envelopes,
  requireManager,
  onClose,
  onApproved,
}: {
  title: string;
  staff: StaffMember[];
  envelopes: StaffKeyEnvelope[];
  requireManager?: boolean;
  onClose: () => void;
  onApproved: (unlocked: Unlocked) => void;
}) {
  const t = useT();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  // Without WebCrypto (an http:// LAN address) no PIN can be checked: say so, do not pretend.
  const [problem, setProblem] = useState(pinCheckProblem);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (checking || problem) return;
    setChecking(true);
    setError(null);
    let unlocked: Unlocked | null;
    try {
      unlocked = await unlockStaffByPin(staff, envelopes, pin, { preferManagers: requireManager });
    } catch (err) {
      if (!(err instanceof PinCheckUnavailableError)) throw err;
      return setProblem(err.problem);
    } finally {
      setChecking(false);
    }
    if (!unlocked) return setError(t('wrongPin'));
    if (requireManager && unlocked.member.role !== 'manager' && unlocked.member.role !== 'owner') return setError(t('notAManager'));
    onApproved(unlocked);
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
        {checking && (
          <p role="status" className="text-slate-600">
            {t('checkingPin')}
          </p>
        )}
        {problem && <PinUnavailable problem={problem} />}
        {error && !problem && (
          <p role="alert" className="text-rose-700">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" className="rounded px-4 py-2 ring-1 ring-slate-300" onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" disabled={checking || problem !== null} className="rounded bg-slate-900 px-4 py-2 font-semibold text-white disabled:opacity-50">
            {t('approve')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
