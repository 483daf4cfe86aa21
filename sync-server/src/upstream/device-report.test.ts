import { expect, test } from 'vitest';
import { deviceReportBody, reportFingerprint } from './device-report';

const row = (id: string, extra: Partial<{ kind: string; revoked_at: Date | null; stations: string[] | string }> = {}) => ({
  id,
  name: `device ${id}`,
  kind: 'terminal',
  code: id.toUpperCase().slice(0, 1),
  stations: [] as string[] | string,
  created_at: new Date('2026-12-04T08:00:00Z'),
  revoked_at: null as Date | null,
  ...extra,
});

test('the report body lists terminals and kitchen displays in id order, dates as ISO, stations parsed', () => {
  const body = deviceReportBody([
    row('b', { kind: 'kitchen', stations: '["grill"]' }),
    row('a', { revoked_at: new Date('2026-12-04T09:00:00Z') }),
    row('x', { kind: 'box' }),
  ]);
  expect(body).toEqual({
    devices: [
      { id: 'a', name: 'device a', kind: 'terminal', code: 'A', stations: [], createdAt: '2026-12-04T08:00:00.000Z', revokedAt: '2026-12-04T09:00:00.000Z' },
      { id: 'b', name: 'device b', kind: 'kitchen', code: 'B', stations: ['grill'], createdAt: '2026-12-04T08:00:00.000Z', revokedAt: null },
    ],
  });
});

test('the fingerprint changes with the list, not with row order', () => {
  const one = reportFingerprint(deviceReportBody([row('a'), row('b')]));
  expect(reportFingerprint(deviceReportBody([row('b'), row('a')]))).toBe(one);
  expect(reportFingerprint(deviceReportBody([row('a'), row('b', { revoked_at: new Date() })]))).not.toBe(one);
});
