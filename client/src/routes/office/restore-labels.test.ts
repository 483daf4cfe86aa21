import { describe, expect, test } from 'vitest';
import { outletSettingsSchema } from '@kiosk/shared';
import { en } from '../../i18n/en';
import { id } from '../../i18n/id';
import { translate, type Translate } from '../../i18n';
import { changeLabel, SETTING_KEY } from './RestoreSection';

describe('restore screen labels', () => {
  const settingKeys = Object.keys(outletSettingsSchema.shape);

  test.each([
    ['en', en],
    ['id', id],
  ] as const)('every setting has its own %s label, never the raw key', (_language, messages) => {
    const t: Translate = (key, vars) => translate(messages, key, vars);
    expect(Object.keys(SETTING_KEY).sort()).toEqual([...settingKeys].sort());
    const labels = settingKeys.map((key) => changeLabel(t, { section: 'settings', label: key, change: 'changed' }));
    expect(new Set(labels).size, 'one label per setting').toBe(settingKeys.length);
    for (const [i, label] of labels.entries()) {
      expect(label, settingKeys[i]).toBeTruthy();
      expect(label, settingKeys[i]).not.toBe(settingKeys[i]);
      expect(label, 'no camelCase key').not.toMatch(/[a-z][A-Z]/);
    }
  });

  test('a setting it does not know, and an entry without a name, show words, not keys or ids', () => {
    const t: Translate = (key, vars) => translate(en, key, vars);
    expect(changeLabel(t, { section: 'settings', label: 'futureSetting', change: 'added' })).toBe('another setting');
    expect(changeLabel(t, { section: 'items', label: '', change: 'removed' })).toBe('(unnamed)');
    expect(changeLabel(t, { section: 'items', label: 'Es Teh', change: 'changed' })).toBe('Es Teh');
    expect(changeLabel(t, { section: 'settings', label: 'kitchenWarnSeconds', change: 'changed' })).toBe('Kitchen warning time');
    expect(translate(id, SETTING_KEY.businessDayStart)).toBe('Awal hari usaha');
  });
});
