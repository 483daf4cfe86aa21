import { describe, expect, test } from 'vitest';
import { loadCredentials, relaysOf, relaySyncUrl, saveCredentials, type DeviceCredentials } from './credentials';
import { RelayLink, type Relay } from './relay-link';
import { MemoryStorage } from './testing';

const box: Relay = { kind: 'box', url: 'wss://box.local:8443/sync' };
const cloud: Relay = { kind: 'cloud', url: 'wss://cloud.example/sync' };

/** A hand-driven clock and timer: the test fires the probe when it says so. */
function harness(probeAnswers: boolean[]) {
  let now = 0;
  const timers: Array<{ fn: () => void; at: number }> = [];
  const probed: string[] = [];
  const link = new RelayLink({
    relays: [cloud, box],
    now: () => now,
    config: { probeBaseMs: 1_000, probeMaxMs: 4_000, probeFreshMs: 10_000 },
    probe: async (relay) => {
      probed.push(relay.url);
      return probeAnswers.shift() ?? false;
    },
    setTimer: (fn, ms) => {
      const t = { fn, at: now + ms };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => {
      const i = timers.indexOf(t as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  return {
    link,
    probed,
    timers,
    /** Advances the clock to the next timer and runs it (and the probe it starts). */
    async fire(): Promise<number> {
      const t = timers.shift();
      if (!t) throw new Error('no timer pending');
      now = t.at;
      t.fn();
      await new Promise((resolve) => setImmediate(resolve));
      return t.at;
    },
    setNow(ms: number) {
      now = ms;
    },
  };
}

describe('RelayLink', () => {
  test('starts on the box, falls back to the cloud, probes the box with backoff and returns when it answers', async () => {
    const h = harness([false, false, true]);
    const switches: string[] = [];
    h.link.subscribe(() => switches.push(h.link.current.kind));
    expect(h.link.current).toEqual(box);
    expect(h.timers).toHaveLength(0); // on the preferred relay: nothing to probe

    h.link.report(box.url, 'connect-failed');
    expect(h.link.current).toEqual(cloud);
    // The other documents' reports of the same outage are not news.
    h.link.report(box.url, 'connect-failed');
    h.link.report(cloud.url, 'connected');
    expect(h.timers.map((t) => t.at)).toEqual([1_000]);

    expect(await h.fire()).toBe(1_000); // probe fails (2 failures): next after 2 s
    expect(h.timers.map((t) => t.at)).toEqual([3_000]);
    expect(await h.fire()).toBe(3_000); // fails again (3): next after 4 s (the cap)
    expect(h.timers.map((t) => t.at)).toEqual([7_000]);
    expect(await h.fire()).toBe(7_000); // answers
    expect(h.link.current).toEqual(box);
    expect(h.probed).toEqual([box.url, box.url, box.url]);
    expect(switches).toEqual(['cloud', 'box']);
    h.link.report(box.url, 'connected');
    expect(h.timers).toHaveLength(0);
  });

  test('close stops probing and switching', async () => {
    const h = harness([true]);
    h.link.report(box.url, 'connect-failed');
    expect(h.timers).toHaveLength(1);
    h.link.close();
    expect(h.timers).toHaveLength(0);
    h.link.report(box.url, 'connected');
    expect(h.link.current).toEqual(cloud);
  });

  test('reports of relays it does not know are ignored', () => {
    const h = harness([]);
    h.link.report('wss://elsewhere/sync', 'connect-failed');
    expect(h.link.current).toEqual(box);
  });
});

describe('credentials: the relay list', () => {
  const base: DeviceCredentials = {
    serverUrl: 'https://box.local:8443',
    token: 't',
    deviceId: 'T1',
    tenant: 'demo',
    outlet: 'main',
    code: 'A',
    kind: 'terminal',
    name: 'Kasir',
    stations: [],
  };

  test('credentials stored before the list existed: the server paired with, kind guessed', () => {
    const storage = new MemoryStorage();
    saveCredentials(base, storage);
    const loaded = loadCredentials(storage)!;
    expect(loaded.relays).toBeUndefined();
    expect(relaysOf(loaded)).toEqual([{ kind: 'cloud', url: 'wss://box.local:8443/sync', guessed: true }]);
  });

  test('a stored list is kept, normalised, de-duplicated, and its bad entries dropped', () => {
    const storage = new MemoryStorage();
    storage.setItem(
      'kiosk.device',
      JSON.stringify({
        ...base,
        relays: [
          { kind: 'box', url: 'https://box.local:8443/' },
          { kind: 'box', url: 'wss://box.local:8443/sync' },
          { kind: 'cloud', url: 'wss://cloud.example/sync/' },
          { kind: 'mars', url: 'wss://x/sync' },
          { kind: 'cloud', url: 'not a url' },
          'junk',
        ],
      }),
    );
    const loaded = loadCredentials(storage)!;
    expect(relaysOf(loaded)).toEqual([
      { kind: 'box', url: 'wss://box.local:8443/sync' },
      { kind: 'cloud', url: 'wss://cloud.example/sync' },
    ]);
  });

  test('the server paired with is added when the list does not name it', () => {
    expect(relaysOf({ serverUrl: 'http://localhost:8080', relays: [cloud] })).toEqual([
      cloud,
      { kind: 'cloud', url: 'ws://localhost:8080/sync', guessed: true },
    ]);
  });

  test.each([
    ['http://h:8080', 'ws://h:8080/sync'],
    ['https://h/', 'wss://h/sync'],
    ['wss://h/sync/', 'wss://h/sync'],
    ['ws://h:1/sync?x=1', 'ws://h:1/sync'],
  ])('relaySyncUrl(%s) = %s', (input, expected) => {
    expect(relaySyncUrl(input)).toBe(expected);
  });
});
