/**
 * `/pos`: the cashier's screen. Staff sign in with a PIN (checked offline), build an order
 * from the menu, take payment in any mix of tenders and print a receipt. Everything is written
 * to the day document at once (IndexedDB first); the server gets it when it can.
 */
import { useMemo, useState } from 'react';
import {
  discountApprovalClaim,
  openDrawer,
  price,
  signApproval,
  submitOrder,
  uuidv7,
  type Item,
  type OrderType,
  type OutletSnapshot,
  type StaffMember,
} from '@kiosk/shared';
import { AppHeader } from '../../components/AppHeader';
import { PinDialog } from '../../components/PinDialog';
import { PinUnavailable } from '../../components/SecureContextBanner';
import { Unpaired } from '../../components/Unpaired';
import { useOrders } from '../../orders/orders';
import { PinCheckUnavailableError, pinCheckProblem, unlockStaffByPin, type Unlocked } from '../../orders/staff-pin';
import { useT } from '../../i18n';
import { SessionGate, useDay, useOutlet, useSession, useStaffKeys } from '../../sync/react';
import { CartPanel, type CartLine } from './CartPanel';
import { resolveCartLines } from './cart-lines';
import { MenuGrid } from './MenuGrid';
import { ModifierDialog, type PickedLine } from './ModifierDialog';
import { OrdersPanel } from './OrdersPanel';
import { PaymentDialog } from './PaymentDialog';
import { Receipt } from './Receipt';
import type { Tender } from './tender';

export function PosPage() {
  return (
    <SessionGate unpaired={<Unpaired />}>
      <PosScreen />
    </SessionGate>
  );
}

const STAFF_KEY = 'kiosk.pos.staff';

function PosScreen() {
  const t = useT();
  const outlet = useOutlet();
  const [staffId, setStaffId] = useState<string | null>(() => sessionStorage.getItem(STAFF_KEY));
  const member = outlet.staff.find((s) => s.id === staffId) ?? null;
  const signIn = (m: StaffMember | null) => {
    if (m) sessionStorage.setItem(STAFF_KEY, m.id);
    else sessionStorage.removeItem(STAFF_KEY);
    setStaffId(m?.id ?? null);
  };
  return (
    <div className="flex h-dvh flex-col">
      <AppHeader title={outlet.settings?.name ?? t('appName')}>
        {member && (
          <span className="text-sm">
            {t('signedInAs', { name: member.name })}{' '}
            <button className="ml-2 min-h-11 rounded px-3 ring-1 ring-white/40" onClick={() => signIn(null)}>
              {t('signOut')}
            </button>
          </span>
        )}
      </AppHeader>
      {member ? <Register outlet={outlet} staff={member} /> : <PinSignIn staff={outlet.staff} onSignedIn={signIn} />}
    </div>
  );
}

function PinSignIn({ staff, onSignedIn }: { staff: StaffMember[]; onSignedIn: (m: StaffMember) => void }) {
  const t = useT();
  const envelopes = useStaffKeys();
  const [pin, setPin] = useState('');
  const [error, setError] = useState(false);
  // Without WebCrypto (an http:// LAN address) no PIN can be checked: say so, do not pretend.
  const [problem, setProblem] = useState(pinCheckProblem);
  const press = (digit: string) => setPin((p) => (p + digit).slice(0, 6));
  return (
    <main className="flex flex-1 items-center justify-center">
      <form
        aria-label={t('signIn')}
        className="w-80 space-y-3 rounded-xl bg-white p-5 shadow"
        onSubmit={async (e) => {
          e.preventDefault();
          if (problem) return;
          // Offline: the PIN must open the person's sealed key (no verifier on the device).
          let unlocked: Unlocked | null;
          try {
            unlocked = await unlockStaffByPin(staff, envelopes, pin);
          } catch (err) {
            if (!(err instanceof PinCheckUnavailableError)) throw err;
            unlocked = null;
            setProblem(err.problem);
          }
          setPin('');
          if (unlocked) onSignedIn(unlocked.member);
          else setError(true);
        }}
      >
        <h2 className="text-xl font-bold">{t('signIn')}</h2>
        <label className="block">
          <span className="block text-sm">{t('pin')}</span>
          <input
            autoFocus
            type="password"
            inputMode="numeric"
            autoComplete="off"
            className="w-full rounded border border-slate-300 px-3 py-2 text-center text-2xl tracking-[0.5em]"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 6))}
          />
        </label>
        <div className="grid grid-cols-3 gap-2" aria-hidden>
          {['1', '2', '3', '4', '5', '6', '7', '8', '9', '', '0', ''].map((d, i) =>
            d ? (
              <button key={i} type="button" tabIndex={-1} className="rounded-lg bg-slate-100 py-3 text-xl font-semibold" onClick={() => press(d)}>
                {d}
              </button>
            ) : (
              <span key={i} />
            ),
          )}
        </div>
        {problem && <PinUnavailable problem={problem} />}
        {error && !problem && (
          <p role="alert" className="text-rose-700">
            {t('wrongPin')}
          </p>
        )}
        <button type="submit" disabled={problem !== null} className="w-full rounded-lg bg-slate-900 py-3 font-semibold text-white disabled:opacity-50">
          {t('signInButton')}
        </button>
      </form>
    </main>
  );
}

function newKey(): string {
  return Math.random().toString(36).slice(2);
}

function Register({ outlet, staff }: { outlet: OutletSnapshot; staff: StaffMember }) {
  const t = useT();
  const session = useSession();
  const day = useDay();
  const orders = useOrders(day);
  const settings = outlet.settings!;
  const [view, setView] = useState<'menu' | 'orders'>('menu');
  const [lines, setLines] = useState<CartLine[]>([]);
  const [type, setType] = useState<OrderType>('dine_in');
  const [table, setTable] = useState('');
  const [discountPercent, setDiscountPercent] = useState('');
  // The approving manager's unlocked key: it signs the discount when the order is submitted (its id is chosen then).
  const [approver, setApprover] = useState<Unlocked | null>(null);
  const approvedBy = approver?.member.id ?? null;
  const envelopes = useStaffKeys();
  const [picking, setPicking] = useState<Item | null>(null);
  const [askApproval, setAskApproval] = useState(false);
  const [paying, setPaying] = useState<CartLine[] | null>(null);
  const [receiptId, setReceiptId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Opening the drawer outside a sale ("no sale"): a manager's PIN signs the day document's event.
  const [askDrawer, setAskDrawer] = useState(false);
  const [drawerOpenedBy, setDrawerOpenedBy] = useState<string | null>(null);

  const rateBp = Math.round((Number(discountPercent) || 0) * 100);
  const manualDiscount = rateBp > 0 ? { rateBp, ...(approvedBy ? { approvedBy } : {}) } : undefined;
  const needsApproval = rateBp > settings.manualDiscountLimitBp && !approvedBy;

  const priceOf = (ls: CartLine[]) => {
    if (ls.length === 0) return { priced: null, problem: null };
    try {
      return { priced: price(resolveCartLines(ls, outlet), outlet, settings, { now: Date.now(), manualDiscount }), problem: null };
    } catch (e) {
      // E.g. an item removed from the menu by the back-office while it sat in the cart.
      return { priced: null, problem: e instanceof Error ? e.message : String(e) };
    }
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const { priced, problem } = useMemo(() => priceOf(lines), [lines, outlet, rateBp, approvedBy]);

  const addLine = (picked: PickedLine) => {
    setLines((current) => {
      const same = current.find(
        (l) => l.itemId === picked.itemId && !l.note && !picked.note && JSON.stringify(l.modifiers) === JSON.stringify(picked.modifiers),
      );
      if (same) return current.map((l) => (l === same ? { ...l, qty: l.qty + 1 } : l));
      return [...current, { key: newKey(), itemId: picked.itemId, qty: 1, modifiers: picked.modifiers, note: picked.note, selected: false }];
    });
  };

  const pick = (item: Item) => {
    if (!item.available) return;
    if (item.modifierGroupIds.length > 0) setPicking(item);
    else addLine({ itemId: item.id, modifiers: [] });
  };

  const charge = () => {
    if (needsApproval) return setAskApproval(true);
    const selected = lines.filter((l) => l.selected);
    setPaying(selected.length > 0 ? selected : lines);
  };

  const complete = (charged: CartLine[], tenders: Tender[]) => {
    setError(null);
    try {
      const orderId = uuidv7();
      const now = Date.now();
      const deviceId = session.credentials.deviceId;
      const signedDiscount =
        manualDiscount && approver
          ? {
              ...manualDiscount,
              approval: signApproval(approver.pair, discountApprovalClaim(orderId, manualDiscount, now, deviceId, approver.member.id)),
            }
          : manualDiscount;
      const { id } = submitOrder(
        session.outlet.doc,
        day.doc,
        {
          deviceId,
          staffId: staff.id,
          type,
          table: type === 'dine_in' && table.trim() ? table.trim() : undefined,
          lines: charged.map((l) => ({ itemId: l.itemId, qty: l.qty, modifiers: l.modifiers, note: l.note })),
          payments: tenders.map((p) => ({ method: p.method, amount: p.amount, ...(p.tendered !== undefined ? { tendered: p.tendered } : {}) })),
          manualDiscount: signedDiscount,
        },
        { now, id: orderId },
      );
      const rest = lines.filter((l) => !charged.includes(l));
      setLines(rest.map((l) => ({ ...l, selected: false })));
      if (rest.length === 0) {
        setTable('');
        setDiscountPercent('');
        setApprover(null);
      }
      setPaying(null);
      setReceiptId(id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setPaying(null);
    }
  };

  const receiptOrder = receiptId ? orders.find((o) => o.id === receiptId) : undefined;
  const payingPriced = paying ? priceOf(paying).priced : null;

  return (
    <main className="flex min-h-0 flex-1 flex-col gap-3 p-3 lg:flex-row">
      <div className="flex min-h-0 flex-1 flex-col gap-2">
        <div role="tablist" className="no-print flex gap-2">
          <button
            role="tab"
            aria-selected={view === 'menu'}
            className={`min-h-11 rounded-lg px-4 py-2 font-semibold ${view === 'menu' ? 'bg-slate-900 text-white' : 'bg-white ring-1 ring-slate-300'}`}
            onClick={() => setView('menu')}
          >
            {t('menu')}
          </button>
          <button
            role="tab"
            aria-selected={view === 'orders'}
            className={`min-h-11 rounded-lg px-4 py-2 font-semibold ${view === 'orders' ? 'bg-slate-900 text-white' : 'bg-white ring-1 ring-slate-300'}`}
            onClick={() => setView('orders')}
          >
            {t('todaysOrders')} ({orders.length})
          </button>
          <button
            className="ml-auto min-h-[44px] rounded-lg bg-white px-4 py-2 font-semibold ring-1 ring-slate-300"
            onClick={() => {
              setDrawerOpenedBy(null);
              setAskDrawer(true);
            }}
          >
            {t('openDrawer')}
          </button>
        </div>
        {drawerOpenedBy && (
          <p role="status" className="rounded bg-emerald-50 p-2 text-emerald-900">
            {t('drawerOpened', { name: drawerOpenedBy })}
          </p>
        )}
        {(error ?? problem) && (
          <p role="alert" className="rounded bg-rose-100 p-2 text-rose-800">
            {error ?? t('cannotPrice', { message: problem ?? '' })}
          </p>
        )}
        {view === 'menu' ? (
          <MenuGrid categories={outlet.categories} items={outlet.items} settings={settings} onPick={pick} />
        ) : (
          <OrdersPanel orders={orders} settings={settings} staff={outlet.staff} day={day} deviceId={session.credentials.deviceId} staffId={staff.id} />
        )}
      </div>
      {view === 'menu' && (
        <CartPanel
          lines={lines}
          priced={priced}
          settings={settings}
          type={type}
          table={table}
          discountPercent={discountPercent}
          discountApprovedBy={approvedBy}
          onQty={(key, qty) => setLines((ls) => (qty <= 0 ? ls.filter((l) => l.key !== key) : ls.map((l) => (l.key === key ? { ...l, qty } : l))))}
          onSelect={(key, selected) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, selected } : l)))}
          onType={setType}
          onTable={setTable}
          onDiscount={(p) => {
            setDiscountPercent(p);
            setApprover(null);
          }}
          onCharge={charge}
          onClear={() => {
            setLines([]);
            setDiscountPercent('');
            setApprover(null);
          }}
        />
      )}
      {picking && (
        <ModifierDialog
          item={picking}
          groups={picking.modifierGroupIds.map((id) => outlet.modifierGroups.find((g) => g.id === id)).filter((g) => g !== undefined)}
          settings={settings}
          onClose={() => setPicking(null)}
          onAdd={(line) => {
            addLine(line);
            setPicking(null);
          }}
        />
      )}
      {askApproval && (
        <PinDialog
          title={t('managerApprovalNeeded', { limit: settings.manualDiscountLimitBp / 100 })}
          staff={outlet.staff}
          envelopes={envelopes}
          requireManager
          onClose={() => setAskApproval(false)}
          onApproved={(unlocked) => {
            setApprover(unlocked);
            setAskApproval(false);
          }}
        />
      )}
      {askDrawer && (
        <PinDialog
          title={t('openDrawerApproval')}
          staff={outlet.staff}
          envelopes={envelopes}
          requireManager
          onClose={() => setAskDrawer(false)}
          onApproved={({ member: manager, pair }) => {
            setAskDrawer(false);
            try {
              openDrawer(day.doc, { deviceId: session.credentials.deviceId, staffId: staff.id, approver: { staffId: manager.id, pair } }, { now: Date.now() });
              setDrawerOpenedBy(manager.name);
            } catch (e) {
              setError(e instanceof Error ? e.message : String(e));
            }
          }}
        />
      )}
      {paying && payingPriced && (
        <PaymentDialog total={payingPriced.total} settings={settings} onClose={() => setPaying(null)} onComplete={(tenders) => complete(paying, tenders)} />
      )}
      {receiptOrder && (
        <div className="fixed inset-0 z-40 flex items-center justify-center bg-slate-900/50 p-4">
          <div className="max-h-full space-y-3 overflow-auto rounded-xl bg-slate-50 p-4" role="region" aria-label={t('receipt')}>
            <Receipt order={receiptOrder} settings={settings} />
            <div className="no-print flex justify-center gap-2">
              <button className="rounded bg-slate-900 px-4 py-2 text-white" onClick={() => window.print()}>
                {t('print')}
              </button>
              <button autoFocus className="rounded bg-emerald-600 px-4 py-2 font-semibold text-white" onClick={() => setReceiptId(null)}>
                {t('newOrder')}
              </button>
            </div>
          </div>
        </div>
      )}
    </main>
  );
}
