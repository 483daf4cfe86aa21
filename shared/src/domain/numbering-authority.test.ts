import { describe, expect, test } from 'vitest';
import { boxAuthority, CLOUD_AUTHORITY, handOverTo, mayNumber, mustRelease, numberingState, type NumberingEntry } from './numbering-authority';

const at = '2026-11-21T03:00:00.000Z';
const toBox1 = handOverTo(numberingState([]), { to: boxAuthority('b1'), at, by: 'user:o', reason: 'box_paired' });
const release1: NumberingEntry = { kind: 'release', epoch: 1, authority: CLOUD_AUTHORITY, at, lastNumbers: { '2026-11-21': 7 } };

describe('numbering authority', () => {
  test.each<{ name: string; entries: unknown[]; me: string; day: string; seen: number; may: boolean; release: boolean }>([
    { name: 'no record: the cloud numbers', entries: [], me: 'cloud', day: '2026-11-21', seen: 0, may: true, release: false },
    { name: 'no record: a box does not', entries: [], me: 'box:b1', day: '2026-11-21', seen: 0, may: false, release: false },
    { name: 'handed to box 1, not released: nobody numbers', entries: [toBox1], me: 'box:b1', day: '2026-11-21', seen: 99, may: false, release: false },
    { name: 'the cloud must release', entries: [toBox1], me: 'cloud', day: '2026-11-21', seen: 0, may: false, release: true },
    { name: 'released at 7, box has seen 6: waits', entries: [toBox1, release1], me: 'box:b1', day: '2026-11-21', seen: 6, may: false, release: false },
    { name: 'released at 7, box has seen 7: numbers', entries: [toBox1, release1], me: 'box:b1', day: '2026-11-21', seen: 7, may: true, release: false },
    {
      name: 'another day than the released ones: numbers from 0',
      entries: [toBox1, release1],
      me: 'box:b1',
      day: '2026-11-22',
      seen: 0,
      may: true,
      release: false,
    },
    { name: 'released: the cloud no longer releases', entries: [release1, toBox1], me: 'cloud', day: '2026-11-21', seen: 0, may: false, release: false },
    {
      name: 'forced: the new authority starts at once',
      entries: [{ ...toBox1, force: true }],
      me: 'box:b1',
      day: '2026-11-21',
      seen: 0,
      may: true,
      release: false,
    },
    {
      name: 'a release by someone else does not count',
      entries: [toBox1, { ...release1, authority: 'box:b9' }],
      me: 'box:b1',
      day: '2026-11-21',
      seen: 9,
      may: false,
      release: false,
    },
    {
      name: 'unreadable entries are skipped',
      entries: [{ kind: 'handover', epoch: 'x' }, 42, null],
      me: 'cloud',
      day: '2026-11-21',
      seen: 0,
      may: true,
      release: false,
    },
  ])('$name', ({ entries, me, day, seen, may, release }) => {
    const state = numberingState(entries);
    expect(mayNumber(state, me as 'cloud', day, seen)).toBe(may);
    expect(mustRelease(state, me as 'cloud')).toBe(release);
  });

  test('the highest epoch wins, whatever the order the entries arrive in', () => {
    const toBox2 = handOverTo(numberingState([toBox1]), { to: boxAuthority('b2'), at, by: 'user:o', reason: 'box_replaced' });
    expect(toBox2).toMatchObject({ epoch: 2, from: 'box:b1', authority: 'box:b2' });
    for (const entries of [
      [toBox1, toBox2],
      [toBox2, toBox1],
    ]) {
      expect(numberingState(entries)).toMatchObject({ epoch: 2, authority: 'box:b2', from: 'box:b1', released: false });
    }
  });

  test('two hand-overs of one epoch (two servers racing) converge on the same one everywhere', () => {
    const a = { ...toBox1, authority: boxAuthority('a') };
    const b = { ...toBox1, authority: boxAuthority('b') };
    expect(numberingState([a, b]).authority).toBe(numberingState([b, a]).authority);
  });
});
