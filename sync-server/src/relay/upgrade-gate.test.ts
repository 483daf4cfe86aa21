import { describe, expect, test } from 'vitest';
import { PendingUpgrades } from './upgrade-gate';

describe('PendingUpgrades', () => {
  test('over the per-address cap → 429, over the total → 503; leaving frees the slot and the address', () => {
    const gate = new PendingUpgrades({ maxPendingPerIp: 2, maxPending: 3 });
    expect(gate.enter('a')).toEqual({ admit: true });
    expect(gate.enter('a')).toEqual({ admit: true });
    expect(gate.enter('a')).toEqual({ admit: false, status: 429 });
    expect(gate.enter('b')).toEqual({ admit: true });
    expect(gate.enter('c')).toEqual({ admit: false, status: 503 });
    expect(gate.size).toBe(3);
    gate.leave('a');
    expect(gate.enter('c')).toEqual({ admit: true });
    for (const ip of ['a', 'b', 'c']) gate.leave(ip);
    expect(gate.size).toBe(0);
    expect(gate.addresses).toBe(0);
    gate.leave('never-entered'); // no underflow
    expect(gate.size).toBe(0);
  });

  test('many addresses one at a time leave nothing behind', () => {
    const gate = new PendingUpgrades({ maxPendingPerIp: 32, maxPending: 512 });
    let admitted = 0;
    for (let i = 0; i < 2_000; i++) {
      if (gate.enter(`10.0.${i >> 8}.${i & 255}`).admit) admitted++;
      gate.leave(`10.0.${i >> 8}.${i & 255}`);
    }
    expect(admitted).toBe(2_000);
    expect(gate.addresses).toBe(0);
  });
});
