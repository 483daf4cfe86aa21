import { describe, expect, test } from 'vitest';
import { boxAuthority, handOverTo, numberingState, type NumberingEntry } from '@kiosk/shared';
import { numberingView } from './numbering';

const at = '2026-11-21T03:00:00.000Z';

describe('numberingView', () => {
  test('no record: the cloud numbers, nothing waits', () => {
    expect(numberingView([], new Map(), [])).toEqual({ current: { kind: 'cloud', boxId: null, name: null }, waitingForRelease: false, history: [], boxes: [] });
  });

  test('hand-overs in epoch order, with box names and their releases; a pending one waits', () => {
    const toB1 = handOverTo(numberingState([]), { to: boxAuthority('b1'), at, by: 'user:o', reason: 'box_paired' });
    const released: NumberingEntry = { kind: 'release', epoch: 1, authority: 'cloud', at: '2026-11-21T03:00:01.000Z', lastNumbers: {} };
    const toB2 = handOverTo(numberingState([toB1, released]), { to: boxAuthority('b2'), at, by: 'user:o', reason: 'box_replaced' });
    const view = numberingView(
      [toB2, released, toB1, 'junk'],
      new Map([
        ['b1', 'Bar box'],
        ['b2', 'New box'],
      ]),
      ['b2'],
    );
    expect(view.current).toEqual({ kind: 'box', boxId: 'b2', name: 'New box' });
    expect(view.waitingForRelease).toBe(true);
    expect(view.history.map((h) => [h.epoch, h.from.name ?? h.from.kind, h.to.name, h.releasedAt])).toEqual([
      [1, 'cloud', 'Bar box', '2026-11-21T03:00:01.000Z'],
      [2, 'Bar box', 'New box', null],
    ]);
    expect(view.boxes).toEqual([{ kind: 'box', boxId: 'b2', name: 'New box' }]);
  });
});
