import { describe, expect, it } from 'vitest';
import { en } from './en';
import { id } from './id';
import { translate } from './index';

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
});
