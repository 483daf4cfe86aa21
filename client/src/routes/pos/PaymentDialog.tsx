import { useState } from 'react';
import { formatMoney, type OutletSettings } from '@kiosk/shared';
import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n';
import { balanceDue, changeDue, makeTender, paidSoFar, quickCashAmounts, type Tender } from './tender';

const METHODS = ['cash', 'card', 'qris'] as const;

/** Cash with quick amounts and change, card and QRIS as recorded tenders, any mix of them. */
export function PaymentDialog({
  total,
  settings,
  onClose,
  onComplete,
}: {
  total: number;
  settings: OutletSettings;
  onClose: () => void;
  onComplete: (tenders: Tender[]) => void;
}) {
  const t = useT();
  const [tenders, setTenders] = useState<Tender[]>([]);
  const [method, setMethod] = useState<Tender['method']>('cash');
  const due = balanceDue(total, tenders);
  const [amount, setAmount] = useState(String(total));
  const money = (n: number) => formatMoney(n, settings.currency, settings.locale);
  const methodName = (m: Tender['method']) => t(m);

  const add = (entered: number, m: Tender['method'] = method) => {
    const tender = makeTender(m, entered, due);
    if (!tender) return;
    const next = [...tenders, tender];
    setTenders(next);
    setAmount(String(balanceDue(total, next)));
  };

  return (
    <Dialog title={t('payment')} onClose={onClose}>
      <div className="space-y-4">
        <dl className="grid grid-cols-2 gap-1 text-lg">
          <dt>{t('total')}</dt>
          <dd className="text-right font-bold">{money(total)}</dd>
          <dt>{t('paid')}</dt>
          <dd className="text-right">{money(paidSoFar(tenders))}</dd>
          <dt>{t('balanceDue')}</dt>
          <dd className="text-right font-bold" aria-label={t('balanceDue')}>
            {money(due)}
          </dd>
          {changeDue(tenders) > 0 && (
            <>
              <dt>{t('change')}</dt>
              <dd className="text-right font-bold text-emerald-700" aria-label={t('change')}>
                {money(changeDue(tenders))}
              </dd>
            </>
          )}
        </dl>
        {tenders.length > 0 && (
          <ul className="space-y-1">
            {tenders.map((tender, i) => (
              <li key={i} className="flex items-center justify-between rounded bg-slate-100 px-3 py-1">
                <span>
                  {methodName(tender.method)} {money(tender.amount)}
                  {tender.tendered !== undefined && tender.tendered !== tender.amount ? ` (${money(tender.tendered)})` : ''}
                </span>
                <button
                  aria-label={t('removeTender', { n: i + 1 })}
                  className="text-rose-700"
                  onClick={() => {
                    const next = tenders.filter((_, j) => j !== i);
                    setTenders(next);
                    setAmount(String(balanceDue(total, next)));
                  }}
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
        )}
        {due > 0 && (
          <>
            <div role="radiogroup" aria-label={t('payment')} className="flex gap-2">
              {METHODS.map((m) => (
                <button
                  key={m}
                  role="radio"
                  aria-checked={method === m}
                  className={`flex-1 rounded-lg px-3 py-3 font-semibold ring-1 ${method === m ? 'bg-slate-900 text-white ring-slate-900' : 'ring-slate-300'}`}
                  onClick={() => setMethod(m)}
                >
                  {methodName(m)}
                </button>
              ))}
            </div>
            {method === 'cash' && (
              <div className="flex flex-wrap gap-2">
                {quickCashAmounts(due, settings.currency === 'IDR' ? undefined : [100, 500, 1000, 2000, 5000, 10000]).map((q) => (
                  <button key={q} className="rounded bg-amber-100 px-3 py-2 font-medium ring-1 ring-amber-300" onClick={() => add(q, 'cash')}>
                    {q === due ? `${t('exact')} ${money(q)}` : money(q)}
                  </button>
                ))}
              </div>
            )}
            <form
              className="flex items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                add(Number(amount));
              }}
            >
              <label className="flex-1">
                <span className="block text-sm">{method === 'cash' ? t('tendered') : t('amount')}</span>
                <input
                  inputMode="numeric"
                  className="w-full rounded border border-slate-300 px-3 py-2 text-lg"
                  value={amount}
                  onChange={(e) => setAmount(e.target.value.replace(/\D/g, ''))}
                />
              </label>
              <button type="submit" className="rounded bg-slate-900 px-4 py-2.5 font-semibold text-white">
                {t('addTender', { method: methodName(method) })}
              </button>
            </form>
          </>
        )}
        <div className="flex justify-end gap-2">
          <button className="rounded px-4 py-2 ring-1 ring-slate-300" onClick={onClose}>
            {t('cancel')}
          </button>
          <button
            className="rounded-lg bg-emerald-600 px-5 py-3 text-lg font-bold text-white disabled:opacity-40"
            disabled={due > 0}
            onClick={() => onComplete(tenders)}
          >
            {t('complete')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
