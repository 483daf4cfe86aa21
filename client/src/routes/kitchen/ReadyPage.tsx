/**
 * `/kitchen/ready`: the customer-facing board — numbers being prepared and numbers ready.
 * Shows the daily number, or the provisional reference until the number arrives.
 */
import { AppHeader } from '../../components/AppHeader';
import { Unpaired } from '../../components/Unpaired';
import { useOrders } from '../../orders/orders';
import { useT } from '../../i18n';
import { SessionGate, useDay } from '../../sync/react';

export function ReadyPage() {
  return (
    <SessionGate unpaired={<Unpaired />}>
      <ReadyBoard />
    </SessionGate>
  );
}

function ReadyBoard() {
  const t = useT();
  const orders = useOrders(useDay()).filter((o) => !o.cancelled);
  const label = (o: (typeof orders)[number]) => (o.number !== null ? String(o.number) : o.provisionalRef);
  const preparing = orders.filter((o) => o.kitchenStatus === 'new' || o.kitchenStatus === 'preparing').sort((a, b) => a.createdAt - b.createdAt);
  const ready = orders.filter((o) => o.kitchenStatus === 'ready').sort((a, b) => a.createdAt - b.createdAt);
  return (
    <div className="flex h-dvh flex-col bg-slate-950 text-white">
      <AppHeader title={t('ready')} />
      <div className="grid flex-1 grid-cols-2 gap-4 p-6">
        {[
          { title: t('preparing'), list: preparing, tone: 'text-amber-300' },
          { title: t('ready'), list: ready, tone: 'text-emerald-400' },
        ].map((column) => (
          <section key={column.title} aria-label={column.title}>
            <h2 className={`mb-4 text-4xl font-black ${column.tone}`}>{column.title}</h2>
            <ul className="flex flex-wrap gap-4">
              {column.list.map((o) => (
                <li key={o.id} className="min-w-24 rounded-xl bg-slate-800 px-5 py-3 text-center text-5xl font-black">
                  {label(o)}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
