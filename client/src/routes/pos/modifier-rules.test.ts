import { describe, expect, it } from 'vitest';
import type { ModifierGroup } from '@kiosk/shared';
import { modifierProblems, selectionToModifiers, toggleOption, unitPriceWith } from './modifier-rules';

const size = {
  id: 'size',
  name: 'Size',
  required: true,
  min: 1,
  max: 1,
  options: [
    { id: 'reg', name: 'Regular', priceDelta: 0 },
    { id: 'lg', name: 'Large', priceDelta: 5000 },
  ],
} as ModifierGroup;
const extras = {
  id: 'extra',
  name: 'Extras',
  required: false,
  min: 0,
  max: 2,
  options: [
    { id: 'shot', name: 'Extra shot', priceDelta: 6000 },
    { id: 'oat', name: 'Oat milk', priceDelta: 7000 },
    { id: 'syrup', name: 'Syrup', priceDelta: 4000 },
  ],
} as ModifierGroup;

describe('modifier rules', () => {
  it('requires a choice in a required group and caps a group at max', () => {
    expect(modifierProblems([size, extras], {})).toEqual([{ kind: 'too_few', groupId: 'size', group: 'Size', min: 1 }]);
    let selection = toggleOption(size, {}, 'reg');
    selection = toggleOption(size, selection, 'lg');
    expect(selection.size).toEqual(['lg']);
    selection = toggleOption(extras, selection, 'shot');
    selection = toggleOption(extras, selection, 'oat');
    expect(toggleOption(extras, selection, 'syrup')).toBe(selection);
    expect(modifierProblems([size, extras], selection)).toEqual([]);
    expect(modifierProblems([extras], { extra: ['shot', 'oat', 'syrup'] })[0]).toMatchObject({ kind: 'too_many', max: 2 });
  });

  it('adds the chosen price deltas and lists the modifiers in group order', () => {
    const selection = { extra: ['oat'], size: ['lg'] };
    expect(unitPriceWith(25_000, [size, extras], selection)).toBe(37_000);
    expect(selectionToModifiers([size, extras], selection)).toEqual([
      { groupId: 'size', optionId: 'lg' },
      { groupId: 'extra', optionId: 'oat' },
    ]);
  });
});
