import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { lowerForStateVector, lowerForUpdate, slowReaderAction, startLag } from './slow-reader';

const LIMITS = { maxBufferedBytes: 2 * 1024 * 1024, graceMs: 5_000 };

describe('slow readers', () => {
  test('drained below half the limit → catch up; over it past the grace → terminate; else wait', () => {
    expect(slowReaderAction(LIMITS.maxBufferedBytes / 2, { since: 0 }, 10_000, LIMITS)).toBe('catch-up');
    expect(slowReaderAction(LIMITS.maxBufferedBytes, { since: 0 }, 4_999, LIMITS)).toBe('wait');
    expect(slowReaderAction(LIMITS.maxBufferedBytes, { since: 0 }, 5_000, LIMITS)).toBe('terminate');
  });

  test('the catch-up from the lag state vector carries every skipped update and converges the reader', () => {
    const server = new Y.Doc();
    const writer = new Y.Doc();
    const reader = new Y.Doc();
    const relay = (u: Uint8Array) => Y.applyUpdate(server, u);
    writer.on('update', relay);
    writer.getArray<number>('a').push([1, 2]);
    Y.applyUpdate(reader, Y.encodeStateAsUpdate(server)); // the reader is up to date here
    // The relay skips the next updates: each is applied to the server doc first, then skipped.
    const skipped: Uint8Array[] = [];
    writer.off('update', relay);
    writer.on('update', (u: Uint8Array) => {
      Y.applyUpdate(server, u);
      skipped.push(u);
    });
    writer.getArray<number>('a').push([3]);
    const lag = startLag(server, 0); // taken after the first skipped update was applied
    lowerForUpdate(lag, skipped[0]!);
    writer.getArray<number>('a').push([4]);
    lowerForUpdate(lag, skipped[1]!);
    writer.getArray<number>('a').delete(0, 1);
    lowerForUpdate(lag, skipped[2]!);
    expect(lag.skipped).toBe(3);
    lowerForStateVector(lag, Y.encodeStateVector(reader)); // its own step 1: exact
    Y.applyUpdate(reader, Y.encodeStateAsUpdate(server, Y.encodeStateVector(lag.stateVector)));
    expect(reader.getArray('a').toArray()).toEqual([2, 3, 4]);
    expect(Y.encodeStateVector(reader)).toEqual(Y.encodeStateVector(server));
  });
});
