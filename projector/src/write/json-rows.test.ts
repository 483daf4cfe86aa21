import { describe, expect, test } from 'vitest';
import { toJson } from './json-rows';

describe('toJson', () => {
  test('plain rows are JSON.stringify', () => {
    const rows = [{ a: 1, b: 'x', c: null, d: ['f'] }];
    expect(toJson(rows)).toBe(JSON.stringify(rows));
  });

  test('NUL characters (which PostgreSQL text cannot hold) become U+FFFD; a literal backslash-u0000 stays', () => {
    const parsed = JSON.parse(toJson([{ note: 'a\u0000b', other: 'lit \\u0000' }])) as { note: string; other: string }[];
    expect(parsed[0].note).toBe('a\uFFFDb');
    expect(parsed[0].other).toBe('lit \\u0000');
  });
});
