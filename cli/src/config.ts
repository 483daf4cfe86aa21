/**
 * Configuration of the `kiosk` command: every option comes from a flag or the environment
 * (flag wins), validated by zod. A bad value becomes ONE line naming the option and its
 * environment variable, e.g. `invalid --port (KIOSK_PORT): must be an integer 0–65535, got "abc"`.
 */
import path from 'node:path';
import { z } from 'zod';
import { isCertificateName, parseTrustProxy } from '@kiosk/sync-server';

/** `a, b,,c` → `['a', 'b', 'c']`: the shape of every comma-separated option. */
const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export interface OptionSpec {
  flag: string;
  env: string[];
  description: string;
  schema: z.ZodType;
  /** Shown in the README's configuration table. */
  defaultText?: string;
}

const port = z.coerce.number().int('must be an integer 0–65535').min(0, 'must be an integer 0–65535').max(65535, 'must be an integer 0–65535');
const wsUrl = z.string().regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL');

export const OPTIONS = {
  port: {
    flag: 'port',
    env: ['KIOSK_PORT', 'PORT'],
    description: 'HTTP + WebSocket port (0 = any free port)',
    schema: port.default(8080),
    defaultText: '8080',
  },
  host: { flag: 'host', env: ['KIOSK_HOST'], description: 'interface to listen on', schema: z.string().min(1).default('0.0.0.0'), defaultText: '0.0.0.0' },
  dataDir: {
    flag: 'data-dir',
    env: ['KIOSK_DATA_DIR'],
    description: 'data directory: embedded PGlite database and the generated signing secret',
    schema: z.string().min(1).default('./data'),
    defaultText: './data',
  },
  databaseUrl: {
    flag: 'database-url',
    env: ['DATABASE_URL'],
    description: 'postgres://… switches from embedded PGlite to PostgreSQL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL')
      .optional(),
  },
  secret: {
    flag: 'secret',
    env: ['KIOSK_SECRET'],
    description: 'token signing secret (≥ 32 characters); else generated once into the data directory',
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
  },
  upstream: {
    flag: 'upstream',
    env: ['KIOSK_UPSTREAM_URL'],
    description: 'LAN box mode: the cloud relay to replicate with, e.g. wss://cloud.example/sync',
    schema: wsUrl.optional(),
  },
  upstreamToken: {
    flag: 'upstream-token',
    env: ['KIOSK_UPSTREAM_TOKEN'],
    description: 'token the LAN box presents to the upstream relay',
    schema: z.string().min(10).optional(),
  },
  demo: {
    flag: 'demo',
    env: ['KIOSK_DEMO'],
    description: 'seed the demo tenant on first start (true/false)',
    schema: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    defaultText: 'true',
  },
  projectorMode: {
    flag: 'projector-mode',
    env: ['KIOSK_PROJECTOR_MODE'],
    description: "'authority' assigns order numbers; 'mirror' only writes rows (a cloud projector next to a LAN box that numbers)",
    schema: z.enum(['authority', 'mirror']).default('authority'),
    defaultText: 'authority',
  },
  graceDays: {
    flag: 'grace-days',
    env: ['KIOSK_GRACE_DAYS'],
    description: 'business days before yesterday that devices may still write (a terminal offline that long still syncs; older days are closed)',
    schema: z.coerce
      .number()
      .int('must be a whole number of days 0–366')
      .min(0, 'must be a whole number of days 0–366')
      .max(366, 'must be a whole number of days 0–366')
      .default(3),
    defaultText: '3',
  },
  // HTTP hardening (issue 13): proxy trust, the metrics token, waiting for the database at boot.
  trustProxy: {
    flag: 'trust-proxy',
    env: ['KIOSK_TRUST_PROXY'],
    description:
      "behind a TLS proxy: whose X-Forwarded-For/-Proto to believe — a hop count, 'loopback', or IPs/CIDRs (comma-separated); off = the socket's peer is the client",
    schema: z
      .string()
      .default('false')
      .transform((value, ctx) => {
        try {
          return parseTrustProxy(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
          return z.NEVER;
        }
      }),
    defaultText: 'off',
  },
  // Token lifetimes (issue 13): pages elsewhere that may use the back-office sign-in cookie.
  allowedOrigins: {
    flag: 'allowed-origins',
    env: ['KIOSK_ALLOWED_ORIGINS'],
    description:
      "origins besides the server's own that may refresh and sign out with the back-office cookie (comma-separated, e.g. https://office.example.com)",
    schema: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const origins = commaList(value);
        for (const origin of origins) {
          let parsed: URL | null = null;
          try {
            parsed = new URL(origin);
          } catch {
            parsed = null;
          }
          if (!parsed || parsed.origin !== origin) {
            ctx.addIssue({ code: 'custom', message: `${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path)` });
            return z.NEVER;
          }
        }
        return origins;
      }),
    defaultText: 'none',
  },
  metricsToken: {
    flag: 'metrics-token',
    env: ['KIOSK_METRICS_TOKEN'],
    description: '/metrics needs `Authorization: Bearer <token>`; without one only loopback clients get /metrics (others 404)',
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
  },
  trustedWriters: {
    flag: 'trusted-writers',
    env: ['KIOSK_TRUSTED_WRITERS'],
    description:
      "comma-separated device ids whose order numbers the projector adopts like its own (another numbering authority); everyone else's are ignored and flagged",
    schema: z.string().default('').transform(commaList),
    defaultText: 'none',
  },
  // HTTPS on the shop network (issue 14): the box CA, an operator's certificate, or none behind a proxy.
  tls: {
    flag: 'tls',
    env: ['KIOSK_TLS'],
    description:
      "HTTPS/WSS on the same port: 'auto' = on unless --host is loopback (127.0.0.1, ::1, localhost); 'false' (or --no-tls) behind a TLS-terminating proxy",
    schema: z.enum(['auto', 'true', 'false', 'on', 'off'], "must be 'auto', 'true' or 'false'").default('auto'),
    defaultText: 'auto',
  },
  tlsNames: {
    flag: 'tls-names',
    env: ['KIOSK_TLS_NAMES'],
    description:
      'extra DNS names or addresses the generated certificate covers (comma-separated), besides the hostname, <hostname>.local and every interface address',
    schema: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const names = commaList(value);
        const bad = names.find((n) => !isCertificateName(n));
        if (bad !== undefined) {
          ctx.addIssue({ code: 'custom', message: `${JSON.stringify(bad)} is not a DNS name or an IP address` });
          return z.NEVER;
        }
        return names;
      }),
    defaultText: 'none',
  },
  tlsCert: {
    flag: 'tls-cert',
    env: ['KIOSK_TLS_CERT'],
    description: "the operator's own certificate (PEM file, chain after the leaf) instead of the box CA's; needs --tls-key",
    schema: z.string().min(1).optional(),
  },
  tlsKey: {
    flag: 'tls-key',
    env: ['KIOSK_TLS_KEY'],
    description: 'the private key (PEM file) of --tls-cert',
    schema: z.string().min(1).optional(),
  },
  mdns: {
    flag: 'mdns',
    env: ['KIOSK_MDNS'],
    description:
      "announce the box on the LAN by mDNS/DNS-SD (_kiosk-pos._tcp) and list the other boxes on /setup: 'auto' = on when TLS is on and --host is not loopback; 'off' = silent",
    schema: z.enum(['auto', 'on', 'off'], "must be 'auto', 'on' or 'off'").default('auto'),
    defaultText: 'auto',
  },
  dbRetrySeconds: {
    flag: 'db-retry-seconds',
    env: ['KIOSK_DB_RETRY_SECONDS'],
    description: 'start/serve/project wait this long for the database at boot (backoff up to 5 s, each attempt logged) before exiting',
    schema: z.coerce
      .number()
      .int('must be a whole number of seconds 0–86400')
      .min(0, 'must be a whole number of seconds 0–86400')
      .max(86_400, 'must be a whole number of seconds 0–86400')
      .default(60),
    defaultText: '60',
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

type ParsedOptions = { [K in OptionName]: z.output<(typeof OPTIONS)[K]['schema']> };

/**
 * The resolved configuration: each option's parsed type, straight from its schema (one source
 * of truth), except `tls`, which `resolveConfig` decides from `--tls` and `--host`.
 */
export type KioskConfig = Omit<ParsedOptions, 'tls'> & { tls: boolean };

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

/** Whether `host` binds loopback only (then no other device can reach us, and loopback needs no TLS). 0.0.0.0 and :: are every interface. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return LOOPBACK_HOSTS.has(h) || /^127(\.\d{1,3}){3}$/.test(h);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Resolves one option from flags, then env, then default. Throws ConfigError naming it. */
function resolveOption(name: OptionName, flags: Record<string, string | undefined>, env: Record<string, string | undefined>): unknown {
  const spec: OptionSpec = OPTIONS[name];
  const fromFlag = flags[spec.flag];
  const envName = spec.env.find((e) => env[e] !== undefined && env[e] !== '');
  const raw = fromFlag ?? (envName ? env[envName] : undefined);
  const result = spec.schema.safeParse(raw);
  if (!result.success) {
    const where = fromFlag !== undefined ? `--${spec.flag}` : envName ? envName : `--${spec.flag}`;
    const message = result.error.issues[0]?.message ?? 'invalid value';
    throw new ConfigError(`invalid ${where === `--${spec.flag}` ? where : `${where} (--${spec.flag})`}: ${message}, got ${JSON.stringify(raw)}`);
  }
  return result.data;
}

/** Builds the configuration from parsed flags and the environment. Pure. */
export function resolveConfig(flags: Record<string, string | undefined>, env: Record<string, string | undefined>): KioskConfig {
  // `--no-tls` (a boolean flag) is `--tls false`.
  const withNoTls = flags['no-tls'] !== undefined && flags['no-tls'] !== 'false' && flags.tls === undefined ? { ...flags, tls: 'false' } : flags;
  const config = Object.fromEntries((Object.keys(OPTIONS) as OptionName[]).map((name) => [name, resolveOption(name, withNoTls, env)])) as ParsedOptions;
  if (config.upstream && !config.upstreamToken) {
    throw new ConfigError('invalid --upstream-token (KIOSK_UPSTREAM_TOKEN): required when --upstream is set');
  }
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    throw new ConfigError(
      config.tlsCert ? 'invalid --tls-key (KIOSK_TLS_KEY): required with --tls-cert' : 'invalid --tls-cert (KIOSK_TLS_CERT): required with --tls-key',
    );
  }
  const off = config.tls === 'false' || config.tls === 'off';
  if (off && config.tlsCert) throw new ConfigError('invalid --tls-cert (KIOSK_TLS_CERT): TLS is off (--no-tls / KIOSK_TLS=false)');
  // An operator's certificate means TLS whatever the host; otherwise auto = on for a non-loopback bind.
  const tls = off ? false : config.tls === 'true' || config.tls === 'on' || Boolean(config.tlsCert) || !isLoopbackHost(config.host);
  return {
    ...config,
    tls,
    dataDir: path.resolve(config.dataDir),
    tlsCert: config.tlsCert && path.resolve(config.tlsCert),
    tlsKey: config.tlsKey && path.resolve(config.tlsKey),
  };
}

/**
 * `--mdns`: whether `serve`/`start` announce and browse. `auto` follows TLS on a non-loopback
 * bind (the announcement points at https, and loopback has no one to hear it); `on` forces it.
 * A specific IPv4 `--host` is also the one interface mDNS uses.
 */
export function mdnsDiscovery(config: Pick<KioskConfig, 'mdns' | 'tls' | 'host'>): { announce: boolean; browse: boolean; interface?: string } | undefined {
  const on = config.mdns === 'on' || (config.mdns === 'auto' && config.tls && !isLoopbackHost(config.host));
  if (!on) return undefined;
  const host = config.host.trim();
  return { announce: true, browse: true, ...(/^\d{1,3}(\.\d{1,3}){3}$/.test(host) && host !== '0.0.0.0' ? { interface: host } : {}) };
}

/** Flag names accepted by `util.parseArgs` for the config options. */
export function configParseOptions(): Record<string, { type: 'string' | 'boolean' }> {
  return { ...Object.fromEntries(Object.values(OPTIONS).map((o) => [o.flag, { type: 'string' as const }])), 'no-tls': { type: 'boolean' as const } };
}
