import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { encodeAwarenessEntries, guardAwareness, type AwarenessEntry, type AwarenessView } from './awareness-guard';

const LIMITS = { maxIdsPerConnection: 4, maxIdsPerDevice: 8, maxIdsPerDoc: 256, maxStateBytes: 1024 };
const text = (json: string) => new TextEncoder().encode(json);
const entry = (clientId: number, state: unknown = {}, clock = 1): AwarenessEntry => ({ clientId, clock, state: text(JSON.stringify(state)) });
const update = (...entries: AwarenessEntry[]) => encodeAwarenessEntries(entries);

function view(over: Partial<AwarenessView> & { foreign?: number[]; written?: number[] } = {}): AwarenessView {
  const foreign = new Set(over.foreign ?? []);
  const written = new Set(over.written ?? []);
  return {
    owned: over.owned ?? new Set(),
    mayAnnounce: over.mayAnnounce ?? true,
    deviceIds: over.deviceIds ?? 0,
    docIds: over.docIds ?? 0,
    isForeign: (id) => foreign.has(id),
    wroteWith: (id) => written.has(id),
  };
}

describe('guardAwareness', () => {
  test('the first announcement claims its fresh ids; echoes of foreign ids are dropped silently', () => {
    const v = guardAwareness(update(entry(7, { user: 'Sari' }), entry(9)), view({ foreign: [9] }), LIMITS);
    expect(v).toMatchObject({ kind: 'ok', claims: [7], dropped: 1 });
    if (v.kind === 'ok') expect(v.kept.map((e) => e.clientId)).toEqual([7]);
  });

  test('after the first announcement, made-up ids are dropped (not claimed, no limit hit)', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => entry(1_000 + i));
    const v = guardAwareness(update(...ids), view({ owned: new Set([7]), mayAnnounce: false }), LIMITS);
    expect(v).toEqual({ kind: 'ok', kept: [], claims: [], dropped: 10_000 });
  });

  test('owned ids are kept (also removals); a removal of an id it does not own creates nothing', () => {
    const v = guardAwareness(update(entry(7, null, 2), entry(8, null, 5)), view({ owned: new Set([7]), mayAnnounce: false }), LIMITS);
    expect(v).toMatchObject({ kind: 'ok', claims: [], dropped: 1 });
    if (v.kind === 'ok') expect(v.kept.map((e) => e.clientId)).toEqual([7]);
  });

  test('an id its device wrote with may be claimed later; the same id of another device may not', () => {
    const later = view({ owned: new Set([7]), mayAnnounce: false, written: [11] });
    expect(guardAwareness(update(entry(11)), later, LIMITS)).toMatchObject({ kind: 'ok', claims: [11] });
    expect(guardAwareness(update(entry(12)), later, LIMITS)).toMatchObject({ kind: 'ok', claims: [], dropped: 1 });
  });

  test('caps: ids per connection, per device, per document; state size', () => {
    const five = update(...[1, 2, 3, 4, 5].map((id) => entry(id)));
    expect(guardAwareness(five, view(), LIMITS)).toMatchObject({ kind: 'limit', message: expect.stringContaining('4 presence ids on one connection') });
    expect(guardAwareness(update(...[1, 2, 3, 4].map((id) => entry(id))), view(), LIMITS)).toMatchObject({ kind: 'ok', claims: [1, 2, 3, 4] });
    expect(guardAwareness(update(entry(1)), view({ deviceIds: 8 }), LIMITS)).toMatchObject({
      kind: 'limit',
      message: expect.stringContaining('of one device'),
    });
    expect(guardAwareness(update(entry(1)), view({ docIds: 256 }), LIMITS)).toMatchObject({
      kind: 'limit',
      message: expect.stringContaining('in this document'),
    });
    const big = entry(1, { blob: 'x'.repeat(1100) });
    expect(guardAwareness(update(big), view(), LIMITS)).toMatchObject({ kind: 'limit', message: expect.stringContaining('exceeds 1024 bytes') });
    // a big state of a dropped (foreign) id is not a reason to close: it is simply not kept
    expect(guardAwareness(update(big), view({ foreign: [1] }), LIMITS)).toMatchObject({ kind: 'ok', dropped: 1 });
  });

  test('a kept state that is not JSON, or a truncated update, throws (the relay closes 4400)', () => {
    expect(() => guardAwareness(encodeAwarenessEntries([{ clientId: 1, clock: 1, state: text('{nope') }]), view(), LIMITS)).toThrow();
    expect(() => guardAwareness(update(entry(1)).subarray(0, 4), view(), LIMITS)).toThrow();
  });

  test('encodes exactly what y-protocols encodes (its updates round-trip through the guard)', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: { name: 'Budi' } });
    const original = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]);
    const v = guardAwareness(original, view(), LIMITS);
    expect(v.kind).toBe('ok');
    if (v.kind === 'ok') expect(encodeAwarenessEntries(v.kept)).toEqual(original);
    awareness.destroy();
    doc.destroy();
  });
});
