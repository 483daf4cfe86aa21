import { describe, expect, test } from 'vitest';
import { dbRetryDelay, retryDatabase } from './db-retry';

/** A fake clock: sleeping advances it, so the schedule is exact and the test takes no time. */
function fakeClock() {
  let t = 1_000_000;
  const waits: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
    waits,
  };
}

describe('retryDatabase', () => {
  test('backoff doubles from 250 ms and is capped at 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((a) => dbRetryDelay(a))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  test('retries until the database answers, logging each attempt', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    let calls = 0;
    const result = await retryDatabase(
      async () => {
        calls++;
        if (calls < 4) throw new Error('database "kiosk" is not currently accepting connections');
        return 'store';
      },
      { retrySeconds: 60, log: (m) => log.push(m), now: clock.now, sleep: clock.sleep },
    );
    expect(result).toBe('store');
    expect(clock.waits).toEqual([250, 500, 1000]);
    expect(log).toHaveLength(4);
    expect(log[0]).toMatch(/attempt 1: database "kiosk" is not currently accepting connections\); retrying in 0\.25 s/);
    expect(log[3]).toBe('kiosk: database reachable after 4 attempts');
  });

  test('gives up with the last error once --db-retry-seconds have passed; the last wait is cut to the deadline', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    await expect(
      retryDatabase(
        async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:5999');
        },
        { retrySeconds: 20, log: (m) => log.push(m), now: clock.now, sleep: clock.sleep },
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
    // 250+500+1000+2000+4000+5000 = 12,750; then 5,000 → 17,750; then the 2,250 left.
    expect(clock.waits).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 2250]);
    expect(clock.waits.reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(log.at(-1)).toMatch(/attempt 9: .*giving up after 20 s/);
  });

  test('0 seconds = one attempt, as before', async () => {
    const clock = fakeClock();
    await expect(
      retryDatabase(
        async () => {
          throw new Error('down');
        },
        { retrySeconds: 0, log: () => {}, now: clock.now, sleep: clock.sleep },
      ),
    ).rejects.toThrow('down');
    expect(clock.waits).toEqual([]);
  });
});
