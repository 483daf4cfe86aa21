/**
 * React glue for the sync layer: the device session as context, and hooks that re-render
 * when a document changes or the sync state moves.
 */
import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type * as Y from 'yjs';
import { readOutlet, readStaffKeyEnvelopes, type OutletSnapshot, type StaffKeyEnvelope } from '@kiosk/shared';
import { loadCredentials } from './credentials';
import type { DocSync, DocSyncState } from './doc-sync';
import { DeviceSession } from './session';
import { useT } from '../i18n';

const SessionContext = createContext<DeviceSession | null>(null);

/** The one session of this page (documents stay open across route changes). */
let current: { session: DeviceSession; ready: Promise<void> } | null = null;

function openSession(): { session: DeviceSession; ready: Promise<void> } | null {
  const credentials = loadCredentials();
  if (!credentials) return null;
  // Same device (its token may have been renewed meanwhile): the open session stays.
  if (current && current.session.credentials.deviceId === credentials.deviceId && current.session.credentials.serverUrl === credentials.serverUrl)
    return current;
  const session = new DeviceSession(credentials);
  current = { session, ready: session.open() };
  return current;
}

/** Closes the open session (after un-pairing). */
export async function closeSession(): Promise<void> {
  const open = current;
  current = null;
  await open?.session.close();
}

/** Renders children once the device's documents are loaded; `fallback` while loading. */
export function SessionGate({ children, unpaired }: { children: ReactNode; unpaired: ReactNode }) {
  const t = useT();
  const opened = useMemo(() => openSession(), []);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let live = true;
    void opened?.ready.then(() => live && setReady(true));
    return () => {
      live = false;
    };
  }, [opened]);
  if (!opened) return <>{unpaired}</>;
  if (!ready) {
    return (
      <div role="status" className="p-8 text-center text-slate-600">
        {t('loadingDocuments')}
      </div>
    );
  }
  return <SessionContext.Provider value={opened.session}>{children}</SessionContext.Provider>;
}

export function useSession(): DeviceSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionGate');
  return session;
}

/** The current day document (changes at the business-day boundary). */
export function useDay(): DocSync {
  const session = useSession();
  useSyncExternalStore(
    (cb) => session.subscribe(cb),
    () => session.day,
  );
  if (!session.day) throw new Error('day document not open');
  return session.day;
}

/** A number that changes whenever `doc` changes (batched per animation frame). */
export function useDocVersion(doc: Y.Doc): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let frame = 0;
    const onUpdate = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion((v) => v + 1);
      });
    };
    doc.on('update', onUpdate);
    return () => {
      doc.off('update', onUpdate);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [doc]);
  return version;
}

export function useOutlet(): OutletSnapshot {
  const session = useSession();
  const version = useDocVersion(session.outlet.doc);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => readOutlet(session.outlet.doc), [session.outlet.doc, version]);
}

/** The sealed approval keys a PIN unlocks (terminals; empty elsewhere). */
export function useStaffKeys(): StaffKeyEnvelope[] {
  const session = useSession();
  const doc = session.staffKeys?.doc ?? session.outlet.doc;
  const version = useDocVersion(doc);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => (session.staffKeys ? readStaffKeyEnvelopes(session.staffKeys.doc) : []), [doc, version]);
}

export function useSyncState(doc: DocSync): DocSyncState {
  return useSyncExternalStore(
    (cb) => doc.subscribe(cb),
    () => doc.getState(),
  );
}

/** Re-renders every `ms` (age timers, clocks). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
