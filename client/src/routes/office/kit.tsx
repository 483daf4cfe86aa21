/**
 * What every back-office section shares: the signed-in API client and the outlet's settings
 * (from the context), data loading with optional polling, and the few form pieces they reuse.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, businessDayOf, formatMoney, type OutletSettings } from '@kiosk/shared';
import { useT } from '../../i18n';
import type { OfficeApi } from '../../api/office';

export { majorText, parseAmount } from './format';

export interface Office {
  api: OfficeApi;
  settings: OutletSettings;
  /** Reports a successful or failed request, for the header's online status. */
  reportReach(ok: boolean): void;
}

const OfficeContext = createContext<Office | null>(null);
export const OfficeProvider = OfficeContext.Provider;

export function useOffice(): Office {
  const office = useContext(OfficeContext);
  if (!office) throw new Error('useOffice outside OfficeProvider');
  return office;
}

export function useMoney(): (minor: number) => string {
  const { settings } = useOffice();
  return useCallback((minor: number) => formatMoney(minor, settings.currency, settings.locale), [settings.currency, settings.locale]);
}

export function useBusinessDay(): string {
  const { settings } = useOffice();
  return businessDayOf(Date.now(), settings);
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.field ? `${error.message} (${error.field})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

interface Loaded<T> {
  data: T | null;
  error: string | null;
  reload(): void;
}

/** GETs `path` (relative to the outlet) whenever it changes, and every `pollMs` if given. */
export function useLoad<T>(path: string | null, pollMs?: number): Loaded<T> {
  const { api, reportReach } = useOffice();
  const [state, setState] = useState<{ data: T | null; error: string | null; path: string | null }>({ data: null, error: null, path: null });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    if (!path) return;
    let live = true;
    const load = () =>
      api.get<T>(path).then(
        (data) => {
          reportReach(true);
          if (live) setState({ data, error: null, path });
        },
        (error: unknown) => {
          reportReach(!(error instanceof TypeError));
          if (live) setState((s) => ({ data: s.path === path ? s.data : null, error: errorText(error), path }));
        },
      );
    void load();
    const timer = pollMs ? setInterval(load, pollMs) : undefined;
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, path, pollMs, tick, reportReach]);
  return { data: state.path === path ? state.data : null, error: state.error, reload };
}

/** Runs a write, keeps its error to show, and tells when it is busy. */
export function useAction(): {
  busy: boolean;
  error: string | null;
  run(action: () => Promise<unknown>): Promise<boolean>;
  setError(message: string | null): void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      if (mounted.current) setError(errorText(e));
      return false;
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}

export function ErrorLine({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="rounded bg-rose-50 px-3 py-2 text-sm text-rose-800">
      {error}
    </p>
  );
}

export function Panel({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg bg-white p-4 shadow">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 className="flex-1 text-lg font-bold">{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded border border-slate-200 p-3">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd aria-label={label} className="text-xl font-semibold tabular-nums">
        {value}
      </dd>
    </div>
  );
}

export const inputClass = 'rounded border border-slate-300 px-2 py-1';
export const buttonClass = 'rounded bg-slate-900 px-3 py-1.5 text-white disabled:opacity-50';
export const quietButtonClass = 'rounded px-3 py-1.5 ring-1 ring-slate-300 disabled:opacity-50';

/** A button that asks once more before a destructive action ("Revoke" → "Confirm revoke"). */
export function ConfirmButton({ label, confirmLabel, onConfirm, disabled }: { label: string; confirmLabel: string; onConfirm(): void; disabled?: boolean }) {
  const [armed, setArmed] = useState(false);
  const t = useT();
  if (!armed)
    return (
      <button className="rounded px-3 py-1.5 text-rose-700 ring-1 ring-rose-300 disabled:opacity-50" disabled={disabled} onClick={() => setArmed(true)}>
        {label}
      </button>
    );
  return (
    <span className="flex gap-1">
      <button
        className="rounded bg-rose-700 px-3 py-1.5 text-white"
        onClick={() => {
          setArmed(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button className={quietButtonClass} onClick={() => setArmed(false)}>
        {t('cancel')}
      </button>
    </span>
  );
}
