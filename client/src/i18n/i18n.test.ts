import { describe, expect, it } from 'vitest';
import { REFUSAL_REASONS } from '@kiosk/shared';
import { en } from './en';
import { id } from './id';
import { translate } from './index';
import { REFUSAL_MESSAGE, refusalMessageKey } from './refusals';

describe('i18n', () => {
  it('has every English message in Bahasa Indonesia, with the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(id[key], key).toBeTruthy();
      expect(placeholders(id[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate(en, 'pendingChanges', { count: 3 })).toBe('3 changes not yet stored on a server');
    expect(translate(id, 'pendingChanges', { count: 3 })).toBe('3 perubahan belum tersimpan di server');
    expect(translate(en, 'charge', {})).toBe('Charge {amount}');
  });

  it('has its own message for every refusal reason in both languages, without the raw token', () => {
    const keys = REFUSAL_REASONS.map((reason) => refusalMessageKey(reason));
    expect(new Set(keys).size, 'one key per reason').toBe(REFUSAL_REASONS.length);
    expect(Object.keys(REFUSAL_MESSAGE).sort()).toEqual([...REFUSAL_REASONS].sort());
    for (const reason of REFUSAL_REASONS) {
      const key = REFUSAL_MESSAGE[reason];
      for (const [language, messages] of [
        ['en', en],
        ['id', id],
      ] as const) {
        expect(messages[key], `${language} ${key}`).toBeTruthy();
        expect(messages[key], `${language} ${key}`).not.toContain(reason);
        expect(messages[key], `${language} ${key}`).not.toMatch(/\d{4}/);
      }
    }
    expect(en[refusalMessageKey(null)]).toBeTruthy();
    expect(id[refusalMessageKey(null)]).toBeTruthy();
  });
});
