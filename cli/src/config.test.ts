import { describe, expect, test } from 'vitest';
import { resolveConfig } from './config';

describe('kiosk configuration', () => {
  test('defaults: port 8080, PGlite in ./data, demo seeded, authority projector', () => {
    const config = resolveConfig({}, {});
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir.endsWith('data')).toBe(true);
    expect(config.demo).toBe(true);
    expect(config.projectorMode).toBe('authority');
    expect(config.graceDays).toBe(3);
  });

  test('environment is read, and a flag beats the environment', () => {
    expect(resolveConfig({}, { KIOSK_PORT: '9000' }).port).toBe(9000);
    expect(resolveConfig({}, { PORT: '9001' }).port).toBe(9001);
    expect(resolveConfig({ port: '9002' }, { KIOSK_PORT: '9000' }).port).toBe(9002);
    expect(resolveConfig({}, { DATABASE_URL: 'postgres://u@h:5432/db' }).databaseUrl).toBe('postgres://u@h:5432/db');
  });

  test.each([
    [{ port: 'abc' }, {}, /^invalid --port: .*got "abc"/],
    [{}, { KIOSK_PORT: '70000' }, /^invalid KIOSK_PORT \(--port\): must be an integer 0–65535/],
    [{}, { DATABASE_URL: 'mysql://x' }, /^invalid DATABASE_URL \(--database-url\): must be a postgres:\/\/ URL/],
    [{}, { KIOSK_SECRET: 'short' }, /^invalid KIOSK_SECRET \(--secret\): must be at least 32 characters/],
    [{ upstream: 'http://cloud' }, {}, /^invalid --upstream: must be a ws:\/\/ or wss:\/\/ URL/],
    [{ upstream: 'wss://cloud.example/sync' }, {}, /^invalid --upstream-token \(KIOSK_UPSTREAM_TOKEN\): required/],
    [{ 'projector-mode': 'boss' }, {}, /^invalid --projector-mode/],
    [{}, { KIOSK_GRACE_DAYS: '-1' }, /^invalid KIOSK_GRACE_DAYS \(--grace-days\): must be a whole number of days 0–366/],
    [{ 'grace-days': '2.5' }, {}, /^invalid --grace-days: must be a whole number of days/],
  ])('bad configuration %j %j is one line naming the option', (flags, env, expected) => {
    expect(() => resolveConfig(flags, env)).toThrow(expected);
    try {
      resolveConfig(flags, env);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('\n');
    }
  });

  // HTTP hardening options (issue 13).
  test('--trust-proxy, --metrics-token, --db-retry-seconds: defaults, parsing, refusals', () => {
    const defaults = resolveConfig({}, {});
    expect(defaults.trustProxy).toBe(false);
    expect(defaults.metricsToken).toBeUndefined();
    expect(defaults.dbRetrySeconds).toBe(60);
    expect(resolveConfig({ 'trust-proxy': '1' }, {}).trustProxy).toBe(1);
    expect(resolveConfig({}, { KIOSK_TRUST_PROXY: 'loopback,10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(resolveConfig({}, { KIOSK_DB_RETRY_SECONDS: '5' }).dbRetrySeconds).toBe(5);
    expect(() => resolveConfig({ 'trust-proxy': 'true' }, {})).toThrow(/^invalid --trust-proxy: .*any client/);
    expect(() => resolveConfig({}, { KIOSK_TRUST_PROXY: 'not-an-ip' })).toThrow(/^invalid KIOSK_TRUST_PROXY \(--trust-proxy\): .*not an IP/);
    expect(() => resolveConfig({}, { KIOSK_METRICS_TOKEN: 'short' })).toThrow(/^invalid KIOSK_METRICS_TOKEN \(--metrics-token\): must be at least 16/);
    expect(() => resolveConfig({ 'db-retry-seconds': '-1' }, {})).toThrow(/^invalid --db-retry-seconds: must be a whole number of seconds/);
  });

  // HTTPS on the shop network (issue 14).
  test('--tls: on for a non-loopback bind (0.0.0.0 included), off on loopback; --no-tls, KIOSK_TLS, operator certificate', () => {
    expect(resolveConfig({}, {}).tls).toBe(true); // default host 0.0.0.0
    expect(resolveConfig({ host: '192.0.2.1' }, {}).tls).toBe(true);
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(resolveConfig({ host }, {}).tls, host).toBe(false);
    expect(resolveConfig({ 'no-tls': true as unknown as string }, {}).tls).toBe(false);
    expect(resolveConfig({}, { KIOSK_TLS: 'false' }).tls).toBe(false);
    expect(resolveConfig({ host: '127.0.0.1' }, { KIOSK_TLS: 'true' }).tls).toBe(true);
    const operator = resolveConfig({ host: '127.0.0.1', 'tls-cert': 'c.pem', 'tls-key': 'k.pem' }, {});
    expect(operator.tls).toBe(true);
    expect(operator.tlsCert?.endsWith('/c.pem')).toBe(true);
    expect(resolveConfig({ 'tls-names': 'kiosk-box.test, 10.0.0.5' }, {}).tlsNames).toEqual(['kiosk-box.test', '10.0.0.5']);
    expect(resolveConfig({}, {}).tlsNames).toEqual([]);
  });

  test.each([
    [{}, { KIOSK_TLS: 'maybe' }, /^invalid KIOSK_TLS \(--tls\): must be 'auto', 'true' or 'false'/],
    [{ 'tls-names': 'ok.test,bad name' }, {}, /^invalid --tls-names: "bad name" is not a DNS name or an IP address/],
    [{ 'tls-cert': 'c.pem' }, {}, /^invalid --tls-key \(KIOSK_TLS_KEY\): required with --tls-cert/],
    [{}, { KIOSK_TLS_KEY: 'k.pem' }, /^invalid --tls-cert \(KIOSK_TLS_CERT\): required with --tls-key/],
    [{ 'tls-cert': 'c.pem', 'tls-key': 'k.pem', 'no-tls': 'true' }, {}, /^invalid --tls-cert .*TLS is off/],
  ])('bad TLS configuration %j %j is one line naming the option', (flags, env, expected) => {
    expect(() => resolveConfig(flags as Record<string, string>, env)).toThrow(expected);
  });
});
