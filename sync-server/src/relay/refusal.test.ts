import { describe, expect, test } from 'vitest';
import { CloseCode, closeReasonText, MAX_CLOSE_REASON_BYTES, parseCloseReason, REFUSAL_CODE, REFUSAL_REASONS } from '@kiosk/shared';
import { Refusal } from './refusal';

describe('refusal reasons and close codes', () => {
  test('REFUSAL_CODE gives every reason a close code, and a Refusal takes it from there', () => {
    const codes = new Set<number>(Object.values(CloseCode));
    expect(Object.keys(REFUSAL_CODE).sort()).toEqual([...REFUSAL_REASONS].sort());
    for (const reason of REFUSAL_REASONS) {
      expect(codes.has(REFUSAL_CODE[reason]), reason).toBe(true);
      expect(new Refusal(reason, 'detail').code, reason).toBe(REFUSAL_CODE[reason]);
    }
  });

  test('the close reason starts with the token and reads back as it, for every reason', () => {
    const details = ['', 'short', 'message of 2000000 bytes exceeds the limit of 1048576 bytes', 'ü'.repeat(200), 'x: y: z'];
    for (const reason of REFUSAL_REASONS) {
      for (const detail of details) {
        const text = closeReasonText(reason, detail);
        expect(new TextEncoder().encode(text).length, `${reason} ${detail.length}`).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
        expect(text.startsWith(reason)).toBe(true);
        expect(parseCloseReason(text)).toBe(reason);
      }
    }
    expect(closeReasonText('too_large', 'message of 2000000 bytes exceeds the limit of 1048576 bytes')).toBe(
      'too_large: message of 2000000 bytes exceeds the limit of 1048576 bytes',
    );
    expect(closeReasonText('unauthorized', 'x'.repeat(200))).toMatch(/^unauthorized: x+\.\.\.$/);
  });

  test('a close reason without a known token parses to null', () => {
    for (const text of ['', 'box shutting down', 'token expired', 'teapot: no', '4401 unauthorized']) expect(parseCloseReason(text), text).toBeNull();
  });
});
