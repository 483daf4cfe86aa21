/**
 * The back-office talks to the HTTP API (`/api`, see sync-server/src/office/README.md): its figures
 * come from the projected SQL store, not from documents on this device. The sign-in is kept in
 * localStorage; an expired access token is refreshed once (refresh tokens are single-use and
 * rotated by the server) before a request gives up with "signed out". Bodies and responses are
 * typed by the shared contract (`shared/src/api/`); a failed request throws its `ApiError`.
 */
import { ApiError, type ErrorBody, type LoginBody, type LogoutBody, type RefreshBody, type SignInResponse } from '@kiosk/shared';

/** What the page keeps of a sign-in (the outlet it works on may change; the user does not). */
export type OfficeSession = Pick<SignInResponse, 'accessToken' | 'refreshToken' | 'user' | 'outlet' | 'outlets'>;

const SESSION_KEY = 'kiosk.office.session';

export function loadSession(): OfficeSession | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as OfficeSession) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: OfficeSession | null): void {
  if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else localStorage.removeItem(SESSION_KEY);
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
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, ...(tenant ? { tenant } : {}) } satisfies LoginBody),
  });
  if (!response.ok) throw await readError(response);
  const body = (await response.json()) as SignInResponse;
  return { accessToken: body.accessToken, refreshToken: body.refreshToken, user: body.user, outlet: body.outlet, outlets: body.outlets };
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
      headers: { Authorization: `Bearer ${this.session.accessToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 && !retried && (await this.refresh())) return this.send(method, path, body, true);
    if (response.status === 401) this.onSession(null);
    if (!response.ok) throw await readError(response);
    return response;
  }

  private async refresh(): Promise<boolean> {
    const response = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken: this.session.refreshToken, outlet: this.session.outlet } satisfies RefreshBody),
    });
    if (!response.ok) return false;
    const body = (await response.json()) as SignInResponse;
    this.session = { ...this.session, accessToken: body.accessToken, refreshToken: body.refreshToken, outlets: body.outlets };
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
    await this.send('POST', '/api/auth/logout', { refreshToken: this.session.refreshToken } satisfies LogoutBody).catch(() => undefined);
    this.onSession(null);
  }
}
