/**
 * The back-office talks to the HTTP API (`/api`, see sync-server/src/office/README.md): its figures
 * come from the projected SQL store, not from documents on this device. Bodies and responses are
 * typed by the shared contract (`shared/src/api/`); a failed request throws its `ApiError`.
 *
 * Where the sign-in lives:
 * - the refresh token (30 days) is in the httpOnly cookie `kiosk_refresh` (Path=/api/auth,
 *   SameSite=Strict) that the server sets; this code never sees it and nothing of it touches
 *   localStorage or sessionStorage. The browser sends it to /api/auth/refresh and /logout only.
 * - the access token (15 minutes) and the user/outlet view are kept in sessionStorage: this tab
 *   only, gone when it closes, and it survives a reload so the page does not refresh at once.
 *   A new tab resumes through the cookie (`resumeSession`).
 * An expired access token is refreshed once (refresh tokens are single-use and rotated by the
 * server) before a request gives up with "signed out".
 */
import { ApiError, type ErrorBody, type LoginBody, type LogoutBody, type RefreshBody, type SignInResponse } from '@kiosk/shared';

/** What the page keeps of a sign-in (the outlet it works on may change; the user does not). No refresh token: that is the cookie's. */
export type OfficeSession = Pick<SignInResponse, 'accessToken' | 'user' | 'outlet' | 'outlets'>;

const SESSION_KEY = 'kiosk.office.session';
/** Sessions from before the cookie kept a refresh token here: removed on sight. */
const LEGACY_LOCAL_KEY = 'kiosk.office.session';

function sessionStore(): Storage | null {
  return typeof sessionStorage === 'undefined' ? null : sessionStorage;
}

export function loadSession(): OfficeSession | null {
  try {
    if (typeof localStorage !== 'undefined') localStorage.removeItem(LEGACY_LOCAL_KEY);
    const raw = sessionStore()?.getItem(SESSION_KEY);
    if (!raw) return null;
    const { accessToken, user, outlet, outlets } = JSON.parse(raw) as OfficeSession;
    return { accessToken, user, outlet, outlets };
  } catch {
    return null;
  }
}

export function saveSession(session: OfficeSession | null): void {
  const store = sessionStore();
  if (!store) return;
  if (session) {
    const { accessToken, user, outlet, outlets } = session;
    store.setItem(SESSION_KEY, JSON.stringify({ accessToken, user, outlet, outlets } satisfies OfficeSession));
  } else store.removeItem(SESSION_KEY);
}

/** Same-origin calls send and store the cookie; `credentials` is spelled out so it stays so. */
const WITH_COOKIE = { credentials: 'same-origin' } as const;

function sessionOf(body: SignInResponse): OfficeSession {
  return { accessToken: body.accessToken, user: body.user, outlet: body.outlet, outlets: body.outlets };
}

/** A new tab (or a reload after the tab's storage was cleared) picks the sign-in up from the cookie; null if there is none. */
export async function resumeSession(outlet?: string): Promise<OfficeSession | null> {
  const response = await fetch('/api/auth/refresh', {
    method: 'POST',
    ...WITH_COOKIE,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify((outlet ? { outlet } : {}) satisfies RefreshBody),
  }).catch(() => null);
  if (!response?.ok) return null;
  return sessionOf((await response.json()) as SignInResponse);
}

async function readError(response: Response): Promise<ApiError> {
  // Anything may answer a failed request (a proxy's HTML page): every part of the body is optional.
  const body = (await response.json().catch(() => null)) as { error?: Partial<ErrorBody['error']> } | null;
  const error = body?.error;
  return new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `${response.status} ${response.statusText}`, error?.field);
}

/** `tenant` (the organisation) only when the server answered 409 `ambiguous_account`. */
export async function signIn(email: string, password: string, tenant?: string): Promise<OfficeSession> {
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    ...WITH_COOKIE,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, ...(tenant ? { tenant } : {}) } satisfies LoginBody),
  });
  if (!response.ok) throw await readError(response);
  return sessionOf((await response.json()) as SignInResponse);
}

/**
 * One signed-in client. `onSession` hears every change (refreshed tokens, sign-out) so the page
 * can store and re-render; requests go to the session's current outlet unless a path is absolute.
 */
export class OfficeApi {
  constructor(
    private session: OfficeSession,
    private readonly onSession: (session: OfficeSession | null) => void,
  ) {}

  get outlet(): string {
    return this.session.outlet;
  }

  /** `path` under `/api/outlets/:outlet` (e.g. `/x-report`), or an absolute `/api/...` path. */
  private url(path: string): string {
    return path.startsWith('/api/') ? path : `/api/outlets/${encodeURIComponent(this.session.outlet)}${path}`;
  }

  private async send(method: string, path: string, body?: unknown, retried = false): Promise<Response> {
    const response = await fetch(this.url(path), {
      method,
      ...WITH_COOKIE,
      headers: { Authorization: `Bearer ${this.session.accessToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 && !retried && (await this.refresh())) return this.send(method, path, body, true);
    if (response.status === 401) this.onSession(null);
    if (!response.ok) throw await readError(response);
    return response;
  }

  private async refresh(): Promise<boolean> {
    const fresh = await resumeSession(this.session.outlet);
    if (!fresh) return false;
    this.session = { ...this.session, accessToken: fresh.accessToken, outlets: fresh.outlets };
    this.onSession(this.session);
    return true;
  }

  async get<T>(path: string): Promise<T> {
    return (await (await this.send('GET', path)).json()) as T;
  }

  async write<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T | null> {
    const response = await this.send(method, path, body);
    return response.status === 204 ? null : ((await response.json()) as T);
  }

  /** Downloads a CSV through the bearer token (a plain link cannot carry it). */
  async download(path: string, filename: string): Promise<void> {
    const blob = await (await this.send('GET', path)).blob();
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  async signOut(): Promise<void> {
    // The server revokes the cookie's sign-in and clears the cookie.
    await this.send('POST', '/api/auth/logout', {} satisfies LogoutBody).catch(() => undefined);
    this.onSession(null);
  }
}
