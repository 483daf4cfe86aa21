import { describe, expect, it } from 'vitest';
import { ConfigError, mdnsDiscovery, resolveConfig } from './config';

const config = (flags: Record<string, string>, env: Record<string, string> = {}) => resolveConfig(flags, env);

describe('--mdns (KIOSK_MDNS)', () => {
  it('auto: on with TLS on a non-loopback bind, off on loopback or without TLS', () => {
    expect(mdnsDiscovery(config({}))).toEqual({ announce: true, browse: true });
    expect(mdnsDiscovery(config({ host: '127.0.0.1' }))).toBeUndefined();
    expect(mdnsDiscovery(config({ 'no-tls': 'true' }))).toBeUndefined();
  });

  it('on forces it, off silences it, from the flag or the environment', () => {
    expect(mdnsDiscovery(config({ host: '127.0.0.1', mdns: 'on' }))).toEqual({ announce: true, browse: true, interface: '127.0.0.1' });
    expect(mdnsDiscovery(config({ mdns: 'off' }))).toBeUndefined();
    expect(mdnsDiscovery(config({}, { KIOSK_MDNS: 'off' }))).toBeUndefined();
    expect(mdnsDiscovery(config({ mdns: 'on' }, { KIOSK_MDNS: 'off' }))).toEqual({ announce: true, browse: true });
  });

  it('uses the one interface of an IPv4 --host', () => {
    expect(mdnsDiscovery(config({ host: '192.0.2.4' }))).toEqual({ announce: true, browse: true, interface: '192.0.2.4' });
  });

  it('names the option on a bad value', () => {
    expect(() => config({ mdns: 'yes' })).toThrow(ConfigError);
    expect(() => config({}, { KIOSK_MDNS: 'yes' })).toThrow("invalid KIOSK_MDNS (--mdns): must be 'auto', 'on' or 'off', got \"yes\"");
  });
});
