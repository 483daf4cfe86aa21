import { formatMoney, type OrderLine, type OrderTotals, type OrderType, type OutletSettings } from '@kiosk/shared';
import { useT } from '../../i18n';

export interface CartLine {
  key: string;
  itemId: string;
  qty: number;
  modifiers: Array<{ groupId: string; optionId: string }>;
  note?: string;
  /** Split bill: selected lines are paid as their own order. */
  selected: boolean;
}

export interface CartProps {
  lines: CartLine[];
  priced: (OrderTotals & { lines: OrderLine[] }) | null;
  settings: OutletSettings;
  type: OrderType;
  table: string;
  discountPercent: string;
  discountApprovedBy: string | null;
  onQty: (key: string, qty: number) => void;
  onSelect: (key: string, selected: boolean) => void;
  onType: (type: OrderType) => void;
  onTable: (table: string) => void;
  onDiscount: (percent: string) => void;
  onCharge: () => void;
  onClear: () => void;
}

export function CartPanel(props: CartProps) {
  const t = useT();
  const { settings, priced } = props;
  const money = (n: number) => formatMoney(n, settings.currency, settings.locale);
  const anySelected = props.lines.some((l) => l.selected);
  return (
    <section aria-label={t('cart')} className="flex w-full max-w-md flex-col gap-3 rounded-lg bg-white p-3 shadow">
      <h2 className="text-lg font-bold">{t('cart')}</h2>
      {props.lines.length === 0 ? (
        <p className="text-slate-500">{t('cartEmpty')}</p>
      ) : (
        <ul className="max-h-[40vh] space-y-2 overflow-auto">
          {props.lines.map((line, index) => {
            const p = priced?.lines[index];
            const name = p?.name ?? line.itemId;
            return (
              <li key={line.key} aria-label={name} className="rounded border border-slate-200 p-2">
                <div className="flex items-start gap-2">
                  <input
                    type="checkbox"
                    aria-label={t('selectLine', { name })}
                    checked={line.selected}
                    onChange={(e) => props.onSelect(line.key, e.target.checked)}
                    className="mt-1.5"
                  />
                  <div className="flex-1">
                    <div className="font-medium">{name}</div>
                    {p && p.modifiers.length > 0 && <div className="text-sm text-slate-600">{p.modifiers.map((m) => m.name).join(', ')}</div>}
                    {line.note && <div className="text-sm italic text-slate-600">“{line.note}”</div>}
                  </div>
                  <div className="text-right text-sm">
                    {p ? money(p.gross) : ''}
                    {p && p.discount > 0 && (
                      <div aria-label={t('lineDiscountOf', { name })} className="text-emerald-700">
                        −{money(p.discount)}
                      </div>
                    )}
                  </div>
                </div>
                <div className="mt-1 flex items-center gap-2">
                  <button
                    aria-label={t('decrease', { name })}
                    className="h-9 w-9 rounded bg-slate-100 text-lg"
                    onClick={() => props.onQty(line.key, line.qty - 1)}
                  >
                    −
                  </button>
                  <span aria-label={t('quantityOf', { name })} className="w-8 text-center font-semibold">
                    {line.qty}
                  </span>
                  <button
                    aria-label={t('increase', { name })}
                    className="h-9 w-9 rounded bg-slate-100 text-lg"
                    onClick={() => props.onQty(line.key, line.qty + 1)}
                  >
                    +
                  </button>
                  <button aria-label={t('remove', { name })} className="ml-auto text-sm text-rose-700 underline" onClick={() => props.onQty(line.key, 0)}>
                    ✕
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <fieldset className="flex flex-wrap gap-2">
        <legend className="sr-only">{t('orderType')}</legend>
        {(['dine_in', 'takeaway', 'delivery'] as const).map((type) => (
          <label
            key={type}
            className={`inline-flex min-h-11 cursor-pointer items-center rounded-full px-4 text-sm ring-1 ${props.type === type ? 'bg-slate-900 text-white ring-slate-900' : 'ring-slate-300'}`}
          >
            <input type="radio" className="sr-only" name="orderType" checked={props.type === type} onChange={() => props.onType(type)} />
            {type === 'dine_in' ? t('dineIn') : type === 'takeaway' ? t('takeaway') : t('delivery')}
          </label>
        ))}
      </fieldset>
      <div className="flex gap-2">
        {props.type === 'dine_in' && (
          <label className="flex-1">
            <span className="block text-sm">{t('table')}</span>
            <input
              className="min-h-11 w-full rounded border border-slate-300 px-2"
              maxLength={32}
              value={props.table}
              onChange={(e) => props.onTable(e.target.value)}
            />
          </label>
        )}
        <label className="flex-1">
          <span className="block text-sm">{t('manualDiscount')}</span>
          <input
            className="min-h-11 w-full rounded border border-slate-300 px-2"
            inputMode="decimal"
            value={props.discountPercent}
            onChange={(e) => props.onDiscount(e.target.value.replace(/[^\d.]/g, ''))}
          />
        </label>
      </div>
      {priced && (
        <dl className="grid grid-cols-2 gap-x-2 text-sm">
          <dt>{t('subtotal')}</dt>
          <dd className="text-right">{money(priced.subtotal)}</dd>
          {priced.discount > 0 && (
            <>
              <dt>{t('discount')}</dt>
              <dd className="text-right">−{money(priced.discount)}</dd>
            </>
          )}
          {priced.serviceCharge > 0 && (
            <>
              <dt>{t('serviceCharge')}</dt>
              <dd className="text-right">{money(priced.serviceCharge)}</dd>
            </>
          )}
          {priced.taxes.map((tax) => (
            <div key={tax.taxId} className="contents">
              <dt>
                {tax.name}
                {tax.inclusive ? ' (incl.)' : ''}
              </dt>
              <dd className="text-right">{money(tax.amount)}</dd>
            </div>
          ))}
          {priced.rounding !== 0 && (
            <>
              <dt>{t('rounding')}</dt>
              <dd className="text-right">{money(priced.rounding)}</dd>
            </>
          )}
          <dt className="text-lg font-bold">{t('total')}</dt>
          <dd className="text-right text-lg font-bold" aria-label={t('total')}>
            {money(priced.total)}
          </dd>
        </dl>
      )}
      <div className="flex gap-2">
        <button className="rounded px-3 py-3 ring-1 ring-slate-300" onClick={props.onClear} disabled={props.lines.length === 0}>
          {t('clearOrder')}
        </button>
        <button
          className="flex-1 rounded-lg bg-emerald-600 px-4 py-3 text-lg font-bold text-white disabled:opacity-40"
          disabled={!priced || props.lines.length === 0}
          onClick={props.onCharge}
        >
          {anySelected ? t('splitSelected') : t('charge', { amount: priced ? money(priced.total) : '' })}
        </button>
      </div>
    </section>
  );
}
