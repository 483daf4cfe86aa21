import { describe, expect, test } from 'vitest';
import { answers, chooseRelay, observe, preferenceOrder, probeDelay, probesDue, type Relay, type RelayHealth, type RelayObservation } from './relay-choice';

const config = { probeFreshMs: 10_000, probeBaseMs: 1_000, probeMaxMs: 8_000 };
const box: Relay = { kind: 'box', url: 'wss://box/sync' };
const cloud: Relay = { kind: 'cloud', url: 'wss://cloud/sync' };
// The list's order must not matter: the box wins by kind.
const relays = [cloud, box];

type Step = [url: string, kind: RelayObservation['kind'], at: number];

function healthOf(steps: Step[]): Map<string, RelayHealth> {
  let health = new Map<string, RelayHealth>();
  for (const [url, kind, at] of steps) health = observe(health, url, { kind, at });
  return health;
}

describe('chooseRelay', () => {
  const cases: Array<{ name: string; steps: Step[]; current: string | null; now: number; expected: Relay }> = [
    { name: 'nothing known yet: try the box first', steps: [], current: null, now: 0, expected: box },
    { name: 'box connected', steps: [[box.url, 'connected', 0]], current: box.url, now: 100_000, expected: box },
    { name: 'box connect failed: cloud, untried, is worth a try', steps: [[box.url, 'connect-failed', 0]], current: box.url, now: 1, expected: cloud },
    {
      name: 'box failed, cloud connected',
      steps: [
        [box.url, 'connect-failed', 0],
        [cloud.url, 'connected', 10],
      ],
      current: cloud.url,
      now: 20,
      expected: cloud,
    },
    {
      name: 'a fresh probe of the box brings the device back',
      steps: [
        [box.url, 'connect-failed', 0],
        [cloud.url, 'connected', 10],
        [box.url, 'probe-ok', 5_000],
      ],
      current: cloud.url,
      now: 5_001,
      expected: box,
    },
    {
      name: 'a stale probe of the box no longer counts while the cloud answers',
      steps: [
        [box.url, 'connect-failed', 0],
        [cloud.url, 'connected', 10],
        [box.url, 'probe-ok', 5_000],
      ],
      current: cloud.url,
      now: 5_000 + 10_001,
      expected: cloud,
    },
    {
      name: 'probe ok but the connect after it failed: stay on the cloud',
      steps: [
        [box.url, 'connect-failed', 0],
        [cloud.url, 'connected', 10],
        [box.url, 'probe-ok', 5_000],
        [box.url, 'connect-failed', 5_100],
      ],
      current: box.url,
      now: 5_200,
      expected: cloud,
    },
    {
      name: 'box connected again after a probe',
      steps: [
        [box.url, 'connect-failed', 0],
        [box.url, 'probe-ok', 5_000],
        [box.url, 'connected', 5_100],
      ],
      current: box.url,
      now: 500_000,
      expected: box,
    },
    {
      name: 'both fail: stay where the device is (no flapping)',
      steps: [
        [box.url, 'connect-failed', 0],
        [cloud.url, 'connect-failed', 10],
      ],
      current: cloud.url,
      now: 20,
      expected: cloud,
    },
    {
      name: 'both fail, nothing current: the box',
      steps: [
        [box.url, 'connect-failed', 0],
        [cloud.url, 'connect-failed', 10],
      ],
      current: null,
      now: 20,
      expected: box,
    },
    {
      name: 'cloud failed, box untried: the box',
      steps: [[cloud.url, 'connect-failed', 0]],
      current: cloud.url,
      now: 1,
      expected: box,
    },
  ];
  test.each(cases)('$name', ({ steps, current, now, expected }) => {
    expect(chooseRelay(relays, healthOf(steps), current, now, config)).toBe(expected.url);
  });

  test('a single relay is always the choice', () => {
    expect(chooseRelay([cloud], healthOf([[cloud.url, 'connect-failed', 0]]), cloud.url, 1, config)).toBe(cloud.url);
  });

  test('no relays is a bug, said so', () => {
    expect(() => chooseRelay([], new Map(), null, 0, config)).toThrow(/no relays/);
  });
});

describe('answers', () => {
  test.each([
    { steps: [] as Step[], now: 0, expected: 'unknown' },
    { steps: [[box.url, 'connected', 0]] as Step[], now: 1e9, expected: 'yes' },
    { steps: [[box.url, 'probe-ok', 0]] as Step[], now: 10_000, expected: 'yes' },
    { steps: [[box.url, 'probe-ok', 0]] as Step[], now: 10_001, expected: 'unknown' },
    { steps: [[box.url, 'probe-failed', 0]] as Step[], now: 1, expected: 'no' },
    { steps: [[box.url, 'connect-failed', 0]] as Step[], now: 1, expected: 'no' },
  ])('$steps at $now → $expected', ({ steps, now, expected }) => {
    expect(answers(healthOf(steps).get(box.url), now, config)).toBe(expected);
  });
});

describe('probes', () => {
  test.each([
    { failures: 0, delay: 1_000 },
    { failures: 1, delay: 1_000 },
    { failures: 2, delay: 2_000 },
    { failures: 3, delay: 4_000 },
    { failures: 4, delay: 8_000 },
    { failures: 10, delay: 8_000 },
    { failures: 1_000, delay: 8_000 },
  ])('backoff after $failures failures: $delay ms', ({ failures, delay }) => {
    expect(probeDelay(failures, config)).toBe(delay);
  });

  test('on the cloud, the box is probed with backoff from its last failure', () => {
    const health = healthOf([
      [box.url, 'connect-failed', 0],
      [cloud.url, 'connected', 10],
      [box.url, 'probe-failed', 1_000],
      [box.url, 'probe-failed', 3_000],
    ]);
    expect(health.get(box.url)?.failures).toBe(3);
    expect(probesDue(relays, health, cloud.url, 3_001, config)).toEqual([{ url: box.url, at: 3_000 + 4_000 }]);
  });

  test('a success resets the backoff', () => {
    const health = healthOf([
      [box.url, 'probe-failed', 0],
      [box.url, 'probe-failed', 1],
      [box.url, 'connected', 2],
    ]);
    expect(health.get(box.url)?.failures).toBe(0);
  });

  test('an untried preferred relay is due at once', () => {
    expect(probesDue(relays, new Map(), cloud.url, 42, config)).toEqual([{ url: box.url, at: 42 }]);
  });

  test('nothing to probe on the box, nor for an answering box', () => {
    expect(probesDue(relays, healthOf([[box.url, 'connected', 0]]), box.url, 1, config)).toEqual([]);
    expect(probesDue(relays, healthOf([[box.url, 'probe-ok', 0]]), cloud.url, 1, config)).toEqual([]);
  });

  test('a stale successful probe is probed again', () => {
    expect(probesDue(relays, healthOf([[box.url, 'probe-ok', 0]]), cloud.url, 20_000, config)).toEqual([{ url: box.url, at: 1_000 }]);
  });
});

test('preferenceOrder: boxes first, list order within a kind', () => {
  const box2: Relay = { kind: 'box', url: 'wss://box2/sync' };
  expect(preferenceOrder([cloud, box, box2]).map((r) => r.url)).toEqual([box.url, box2.url, cloud.url]);
});

test('observe does not change its input', () => {
  const before = new Map<string, RelayHealth>();
  observe(before, box.url, { kind: 'connected', at: 0 });
  expect(before.size).toBe(0);
});
