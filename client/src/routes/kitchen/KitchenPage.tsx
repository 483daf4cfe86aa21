/**
 * `/kitchen`: the kitchen display. Tickets of this display's stations, oldest first, with an
 * age timer; bump a line or the whole ticket, recall a finished one; all-day counts; a tone
 * when a new ticket arrives. The daily number is shown big once the projector has assigned it.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { recall, setStationStatus } from '@kiosk/shared';
import { AppHeader } from '../../components/AppHeader';
import { Unpaired } from '../../components/Unpaired';
import { useOrders, type ShownOrder } from '../../orders/orders';
import { useT } from '../../i18n';
import { SessionGate, useDay, useNow, useOutlet, useSession } from '../../sync/react';
import { ageLevel, allDayCounts, doneTickets, isOpenStatus, linesFor, openTickets, stationsFor } from './kitchen-view';

export function KitchenPage() {
  return (
    <SessionGate unpaired={<Unpaired />}>
      <KitchenScreen />
    </SessionGate>
  );
}

const SOUND_KEY = 'kiosk.kitchen.sound';

/** A short two-tone chime through WebAudio (no audio file to precache). */
function chime(context: AudioContext): void {
  const start = context.currentTime;
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.3, start + i * 0.18 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.18 + 0.16);
    osc.connect(gain).connect(context.destination);
    osc.start(start + i * 0.18);
    osc.stop(start + i * 0.18 + 0.17);
  }
}

function useNewTicketSound(ids: string[], enabled: boolean, audio: RefObject<AudioContext | null>): void {
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    const previous = seen.current;
    seen.current = new Set(ids);
    if (!previous || !enabled || !audio.current) return;
    if (ids.some((id) => !previous.has(id))) chime(audio.current);
  }, [ids, enabled, audio]);
}

function KitchenScreen() {
  const t = useT();
  const session = useSession();
  const outlet = useOutlet();
  const day = useDay();
  const orders = useOrders(day);
  const now = useNow(1000);
  const mine = session.credentials.stations;
  const settings = outlet.settings!;
  const tickets = openTickets(orders, mine);
  const done = doneTickets(orders, mine);
  const [sound, setSound] = useState(() => localStorage.getItem(SOUND_KEY) === 'on');
  const audio = useRef<AudioContext | null>(null);
  useEffect(() => {
    if (!sound) return;
    // Browsers only let audio start from a user gesture: after a reload with sound on, the
    // first touch anywhere on the display unlocks it.
    const unlock = () => {
      audio.current ??= new AudioContext();
      void audio.current.resume();
    };
    window.addEventListener('pointerdown', unlock, { once: true });
    return () => window.removeEventListener('pointerdown', unlock);
  }, [sound]);
  useNewTicketSound(
    tickets.map((o) => o.id),
    sound,
    audio,
  );
  const deviceId = session.credentials.deviceId;

  const bumpTicket = (order: ShownOrder) => {
    day.doc.transact(() => {
      for (const station of stationsFor(order, mine)) {
        if (isOpenStatus(order.stations[station])) setStationStatus(day.doc, order.id, { station, status: 'ready', deviceId }, { now: Date.now() });
      }
    });
  };
  const startTicket = (order: ShownOrder) => {
    day.doc.transact(() => {
      for (const station of stationsFor(order, mine)) {
        if (order.stations[station] === 'new') setStationStatus(day.doc, order.id, { station, status: 'preparing', deviceId }, { now: Date.now() });
      }
    });
  };
  const recallTicket = (order: ShownOrder) => {
    day.doc.transact(() => {
      for (const station of stationsFor(order, mine)) recall(day.doc, order.id, { station, status: 'new', deviceId }, { now: Date.now() });
    });
  };

  return (
    <div className="flex h-dvh flex-col bg-slate-800 text-white">
      <AppHeader title={t('kitchen')}>
        <span className="text-sm text-slate-300">{t('stationsShown', { stations: mine.length ? mine.join(', ') : '*' })}</span>
        <a href="/kitchen/ready" className="text-sm underline">
          {t('ready')}
        </a>
        <button
          aria-pressed={sound}
          className="rounded px-2 py-1 text-sm ring-1 ring-white/40"
          onClick={() => {
            // Audio may only start from a user gesture (autoplay policy).
            audio.current ??= new AudioContext();
            void audio.current.resume();
            localStorage.setItem(SOUND_KEY, sound ? 'off' : 'on');
            setSound(!sound);
          }}
        >
          {sound ? t('soundOn') : t('soundOff')}
        </button>
      </AppHeader>
      <div className="flex min-h-0 flex-1 gap-3 p-3">
        <section aria-label={t('tickets')} className="grid min-h-0 flex-1 auto-rows-min grid-cols-[repeat(auto-fill,minmax(15rem,1fr))] gap-3 overflow-auto">
          {tickets.length === 0 && <p className="text-slate-300">{t('noTickets')}</p>}
          {tickets.map((order) => {
            const age = Math.max(0, Math.floor((now - order.createdAt) / 1000));
            const level = ageLevel(age, settings.kitchenWarnSeconds, settings.kitchenLateSeconds);
            const ref = order.number !== null ? `#${order.number} · ${order.provisionalRef}` : order.provisionalRef;
            return (
              <article
                key={order.id}
                aria-label={t('ticketFor', { ref })}
                data-age={level}
                className={`flex flex-col rounded-lg bg-white text-slate-900 ring-4 ${level === 'late' ? 'ring-rose-500' : level === 'warn' ? 'ring-amber-400' : 'ring-emerald-500'}`}
              >
                <header
                  className={`flex items-baseline justify-between rounded-t px-3 py-2 ${level === 'late' ? 'bg-rose-500 text-white' : level === 'warn' ? 'bg-amber-300' : 'bg-emerald-100'}`}
                >
                  <span className="text-4xl font-black">{order.number !== null ? order.number : order.provisionalRef}</span>
                  <span className="text-right text-sm">
                    {order.number !== null && <span className="block font-mono">{order.provisionalRef}</span>}
                    <span className="block">
                      {order.type === 'dine_in'
                        ? `${t('dineIn')}${order.table ? ` ${order.table}` : ''}`
                        : order.type === 'takeaway'
                          ? t('takeaway')
                          : t('delivery')}
                    </span>
                    <span className="block font-mono" aria-label={t('age', { minutes: Math.floor(age / 60) })}>
                      {Math.floor(age / 60)}:{String(age % 60).padStart(2, '0')}
                    </span>
                  </span>
                </header>
                <ul className="flex-1 divide-y">
                  {linesFor(order, mine).map((line) => {
                    const open = isOpenStatus(line.status);
                    return (
                      <li key={line.id}>
                        <button
                          disabled={!open}
                          aria-label={t('bumpLine', { name: line.name })}
                          className={`w-full px-3 py-2 text-left ${open ? '' : 'text-slate-400 line-through'}`}
                          onClick={() =>
                            setStationStatus(day.doc, order.id, { station: line.station, status: 'ready', lineId: line.id, deviceId }, { now: Date.now() })
                          }
                        >
                          <span className="font-bold">{line.qty - line.voidedQty}×</span> {line.name}
                          {line.modifiers.length > 0 && <span className="block text-sm text-slate-600">{line.modifiers.map((m) => m.name).join(', ')}</span>}
                          {line.note && <span className="block text-sm font-semibold text-rose-700">“{line.note}”</span>}
                        </button>
                      </li>
                    );
                  })}
                </ul>
                <div className="m-2 flex gap-2">
                  {stationsFor(order, mine).every((s) => order.stations[s] === 'new') && (
                    <button
                      className="flex-1 rounded bg-amber-400 py-3 text-lg font-bold text-slate-900"
                      aria-label={t('startTicket', { ref })}
                      onClick={() => startTicket(order)}
                    >
                      {t('start')}
                    </button>
                  )}
                  <button
                    className="flex-[2] rounded bg-slate-900 py-3 text-lg font-bold text-white"
                    aria-label={t('bumpTicket', { ref })}
                    onClick={() => bumpTicket(order)}
                  >
                    {t('bump')}
                  </button>
                </div>
              </article>
            );
          })}
        </section>
        <aside className="flex w-64 flex-col gap-3 overflow-auto">
          <section aria-label={t('allDay')} className="rounded-lg bg-slate-700 p-3">
            <h2 className="mb-2 font-bold">{t('allDay')}</h2>
            <ul className="space-y-1">
              {allDayCounts(tickets, mine).map((c) => (
                <li key={c.name} className="flex justify-between">
                  <span>{c.name}</span>
                  <span className="font-bold">{c.qty}</span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label={t('recentlyBumped')} className="rounded-lg bg-slate-700 p-3">
            <h2 className="mb-2 font-bold">{t('recentlyBumped')}</h2>
            <ul className="space-y-1">
              {done.map((order) => {
                const ref = order.number !== null ? `#${order.number} · ${order.provisionalRef}` : order.provisionalRef;
                return (
                  <li key={order.id} className="flex items-center justify-between gap-2">
                    <span>{ref}</span>
                    <button
                      className="rounded px-2 py-1 text-sm ring-1 ring-white/40"
                      aria-label={t('recallTicket', { ref })}
                      onClick={() => recallTicket(order)}
                    >
                      {t('recall')}
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        </aside>
      </div>
    </div>
  );
}
