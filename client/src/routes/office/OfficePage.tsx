/**
 * `/office`: the back-office for owners and managers. Figures come from the projected SQL store
 * through the API; menu, staff and device changes go through the API into the outlet document,
 * so every device receives them live. Lazy-loaded: nothing here counts against the POS bundle.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useParams } from '@tanstack/react-router';
import { ApiError, type CatalogView, type OutletSettings } from '@kiosk/shared';
import { LanguageSwitch, useI18n, useT, type Translate } from '../../i18n';
import { OfficeApi, loadSession, resumeSession, saveSession, signIn, type OfficeSession } from '../../api/office';
import { buttonClass, ErrorLine, errorText, inputClass, OfficeProvider, type Office } from './kit';
import { TodaySection } from './TodaySection';
import { ReportsSection } from './ReportsSection';
import { CloseSection } from './CloseSection';
import { MenuSection } from './MenuSection';
import { DevicesSection } from './DevicesSection';
import { StaffSection } from './StaffSection';
import { OrdersSection } from './OrdersSection';
import { RestoreSection } from './RestoreSection';

const SECTIONS = [
  { path: '', label: 'officeToday', Component: TodaySection },
  { path: 'reports', label: 'officeReports', Component: ReportsSection },
  { path: 'close', label: 'officeClose', Component: CloseSection },
  { path: 'orders', label: 'officeOrders', Component: OrdersSection },
  { path: 'menu', label: 'officeMenu', Component: MenuSection },
  { path: 'devices', label: 'officeDevices', Component: DevicesSection },
  { path: 'staff', label: 'officeStaff', Component: StaffSection },
  // Recovery (owners only; the link is hidden from managers, and the server refuses them anyway)
  { path: 'restore', label: 'officeRestore', Component: RestoreSection },
] as const;

export function OfficePage() {
  const [session, setSession] = useState<OfficeSession | null>(loadSession);
  const update = useCallback((next: OfficeSession | null) => {
    saveSession(next);
    setSession(next);
  }, []);
  // A new tab: the sign-in cookie (httpOnly, not readable here) may still hold a sign-in.
  useEffect(() => {
    if (session) return;
    let live = true;
    void resumeSession().then((resumed) => live && resumed && update(resumed));
    return () => {
      live = false;
    };
    // Once, on mount: a sign-out must not resume.
  }, []);
  if (!session) return <SignIn onSignedIn={update} />;
  return <OfficeShell session={session} onSession={update} />;
}

function SignIn({ onSignedIn }: { onSignedIn(session: OfficeSession): void }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Shown once the server says the email has accounts in more than one organisation.
  const [askTenant, setAskTenant] = useState(false);
  const [tenant, setTenant] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(email.trim(), password, askTenant ? tenant.trim() : undefined));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'ambiguous_account') {
        setAskTenant(true);
        setError(t('ambiguousAccount'));
      } else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 p-4">
      <form onSubmit={submit} aria-label={t('officeSignIn')} className="flex w-full max-w-sm flex-col gap-3 rounded-lg bg-white p-6 shadow">
        <div className="flex items-center">
          <h1 className="flex-1 text-xl font-bold">{t('officeSignIn')}</h1>
          <LanguageSwitch />
        </div>
        <label className="flex flex-col gap-1">
          <span>{t('email')}</span>
          <input className={inputClass} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="flex flex-col gap-1">
          <span>{t('password')}</span>
          <input
            className={inputClass}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {askTenant && (
          <label className="flex flex-col gap-1">
            <span>{t('organisation')}</span>
            <input className={inputClass} autoComplete="organization" required value={tenant} onChange={(e) => setTenant(e.target.value)} />
          </label>
        )}
        <ErrorLine error={error} />
        <button className={buttonClass} disabled={busy}>
          {t('signInButton')}
        </button>
      </form>
    </main>
  );
}

function OfficeShell({ session, onSession }: { session: OfficeSession; onSession(next: OfficeSession | null): void }) {
  const t = useT();
  const api = useMemo(() => new OfficeApi(session, onSession), [session, onSession]);
  const [settings, setSettings] = useState<OutletSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reach, setReach] = useState<{ ok: boolean; at: number | null }>({ ok: true, at: null });
  const reportReach = useCallback((ok: boolean) => setReach((r) => ({ ok, at: ok ? Date.now() : r.at })), []);
  useEffect(() => {
    let live = true;
    api.get<CatalogView>('/catalog').then(
      (catalog) => live && setSettings(catalog.settings),
      (error: unknown) => live && setLoadError(errorText(error)),
    );
    return () => {
      live = false;
    };
  }, [api]);
  const office = useMemo<Office | null>(() => (settings ? { api, settings, reportReach } : null), [api, settings, reportReach]);
  const splat = (useParams({ strict: false }) as { _splat?: string })._splat ?? '';
  const section = SECTIONS.find((s) => s.path === splat.split('/')[0]) ?? SECTIONS[0];
  const outletName = session.outlets.find((o) => o.id === session.outlet)?.name ?? session.outlet;

  return (
    <div className="min-h-screen bg-slate-100">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-1 bg-slate-900 px-4 py-2 text-white">
        <h1 className="text-lg font-bold">{t('officeTitle', { outlet: outletName })}</h1>
        <div className="flex-1">
          <OfficeStatus ok={reach.ok} at={reach.at} t={t} />
        </div>
        {session.outlets.length > 1 && (
          <select
            aria-label={t('outlet')}
            className="min-h-[44px] rounded bg-white px-2 py-1 text-slate-900"
            value={session.outlet}
            onChange={(e) => {
              setSettings(null);
              onSession({ ...session, outlet: e.target.value });
            }}
          >
            {session.outlets.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        )}
        <span className="text-sm">{session.user.name}</span>
        <button className="min-h-[44px] min-w-[44px] rounded px-3 py-1 text-sm ring-1 ring-white/40" onClick={() => void api.signOut()}>
          {t('signOut')}
        </button>
        <LanguageSwitch />
      </header>
      <nav aria-label={t('officeSections')} className="flex flex-wrap gap-1 bg-white px-4 py-2 shadow-sm">
        {SECTIONS.filter((s) => s.path !== 'restore' || session.user.role === 'owner').map((s) => (
          <Link
            key={s.path}
            to={s.path ? '/office/$' : '/office'}
            params={s.path ? { _splat: s.path } : {}}
            aria-current={s === section ? 'page' : undefined}
            className={`flex min-h-[44px] items-center rounded px-3 py-1.5 ${s === section ? 'bg-slate-900 text-white' : 'hover:bg-slate-100'}`}
          >
            {t(s.label)}
          </Link>
        ))}
      </nav>
      <main className="mx-auto flex max-w-6xl flex-col gap-4 p-4">
        <ErrorLine error={loadError} />
        {office ? (
          <OfficeProvider value={office}>
            <section.Component />
          </OfficeProvider>
        ) : (
          !loadError && <p className="text-slate-600">{t('loading')}</p>
        )}
      </main>
    </div>
  );
}

/** The back-office's sync indicator: it reads the server's store, so "online" is "the server answers". */
function OfficeStatus({ ok, at, t }: { ok: boolean; at: number | null; t: Translate }) {
  const { language } = useI18n();
  const online = ok && (typeof navigator === 'undefined' || navigator.onLine);
  const time = at ? new Date(at).toLocaleTimeString(language === 'id' ? 'id-ID' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : null;
  return (
    <div role="status" aria-label={t('syncStatus')} aria-live="polite" className="flex items-center gap-2 text-sm" data-link={online ? 'online' : 'offline'}>
      <span aria-hidden className={`inline-block h-2.5 w-2.5 rounded-full ${online ? 'bg-emerald-500' : 'bg-rose-500'}`} />
      <span>{online ? t('online') : t('offline')}</span>
      <span className="text-slate-400">·</span>
      <span className="text-slate-300">{time ? t('figuresAsOf', { time }) : t('loading')}</span>
    </div>
  );
}

export default OfficePage;
