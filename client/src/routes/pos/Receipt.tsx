import { useEffect, useState } from 'react';
import { formatMoney, type OutletSettings } from '@kiosk/shared';
import type { ShownOrder } from '../../orders/orders';
import { useI18n } from '../../i18n';

/** QR of the order reference; the generator is loaded on demand (not in the POS start-up JS). */
function OrderQr({ text, label }: { text: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void import('qrcode-generator').then(({ default: qrcode }) => {
      const qr = qrcode(0, 'M');
      qr.addData(text);
      qr.make();
      if (live) setSvg(qr.createSvgTag({ cellSize: 3, margin: 2, scalable: true }));
    });
    return () => {
      live = false;
    };
  }, [text]);
  return <div role="img" aria-label={label} className="mx-auto h-28 w-28" dangerouslySetInnerHTML={svg ? { __html: svg } : undefined} />;
}

/** The 80 mm receipt: items, taxes, payments, references, and the daily number once known. */
export function Receipt({ order, settings }: { order: ShownOrder; settings: OutletSettings }) {
  const { t, language } = useI18n();
  const money = (n: number) => formatMoney(n, settings.currency, settings.locale);
  const totals = order.totals;
  const when = new Date(order.createdAt).toLocaleString(language === 'id' ? 'id-ID' : 'en-GB', { timeZone: settings.timeZone });
  return (
    <article aria-label={t('receipt')} className="receipt-print mx-auto w-[80mm] bg-white p-3 font-mono text-xs text-black shadow ring-1 ring-slate-200">
      <header className="text-center">
        <div className="text-sm font-bold">{settings.name}</div>
        <div>{when}</div>
        <div className="my-2 text-2xl font-bold" aria-label={order.number !== null ? t('orderNumber', { number: order.number }) : t('numberPending')}>
          {order.number !== null ? `#${order.number}` : t('numberPending')}
        </div>
        <div>{t('provisional', { ref: order.provisionalRef })}</div>
        <div>
          {order.type === 'dine_in' ? t('dineIn') : order.type === 'takeaway' ? t('takeaway') : t('delivery')}
          {order.table ? ` · ${t('table')} ${order.table}` : ''}
        </div>
        <div className="no-print mt-1 font-sans text-sm" aria-label={order.stored ? t('sent') : t('notSent')}>
          {order.stored ? `✓ ${t('sent')}` : `… ${t('notSent')}`}
        </div>
      </header>
      <hr className="my-2 border-dashed border-black" />
      <ul>
        {order.lines.map((line) => (
          <li key={line.id} className="mb-1">
            <div className="flex justify-between">
              <span>
                {line.qty}× {line.name}
              </span>
              <span>{money(line.gross)}</span>
            </div>
            {line.modifiers.map((m) => (
              <div key={`${m.groupId}:${m.optionId}`} className="flex justify-between pl-3">
                <span>+ {m.name}</span>
                {m.priceDelta !== 0 && <span>{money(m.priceDelta * line.qty)}</span>}
              </div>
            ))}
            {line.note && <div className="pl-3 italic">“{line.note}”</div>}
            {line.voidedQty > 0 && <div className="pl-3">void −{line.voidedQty}</div>}
          </li>
        ))}
      </ul>
      <hr className="my-2 border-dashed border-black" />
      <dl className="grid grid-cols-2">
        <dt>{t('subtotal')}</dt>
        <dd className="text-right">{money(totals.subtotal)}</dd>
        {totals.discount > 0 && (
          <>
            <dt>{t('discount')}</dt>
            <dd className="text-right">−{money(totals.discount)}</dd>
          </>
        )}
        {totals.serviceCharge > 0 && (
          <>
            <dt>{t('serviceCharge')}</dt>
            <dd className="text-right">{money(totals.serviceCharge)}</dd>
          </>
        )}
        {totals.taxes.map((tax) => (
          <div key={tax.taxId} className="contents">
            <dt>
              {tax.name} {tax.rateBp / 100}%{tax.inclusive ? ' incl.' : ''}
            </dt>
            <dd className="text-right">{money(tax.amount)}</dd>
          </div>
        ))}
        {totals.rounding !== 0 && (
          <>
            <dt>{t('rounding')}</dt>
            <dd className="text-right">{money(totals.rounding)}</dd>
          </>
        )}
        <dt className="font-bold">{t('total')}</dt>
        <dd className="text-right font-bold">{money(order.netTotal)}</dd>
        {order.payments.map((p) => (
          <div key={p.id} className="contents">
            <dt>{t(p.method)}</dt>
            <dd className="text-right">{money(p.amount)}</dd>
          </div>
        ))}
        {order.change > 0 && (
          <>
            <dt>{t('change')}</dt>
            <dd className="text-right">{money(order.change)}</dd>
          </>
        )}
        {order.refunded > 0 && (
          <>
            <dt>{t('refund')}</dt>
            <dd className="text-right">−{money(order.refunded)}</dd>
          </>
        )}
      </dl>
      <hr className="my-2 border-dashed border-black" />
      <OrderQr text={`kiosk:order:${order.id}`} label={`QR ${order.provisionalRef}`} />
      <p className="mt-1 text-center">{t('thankYou')}</p>
    </article>
  );
}
