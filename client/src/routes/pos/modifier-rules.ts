/**
 * What the modifier dialog enforces, as pure functions: a required group needs at least
 * max(min, 1) options (the domain's own rule, `modifierMinimum`, which `submitOrder` enforces),
 * no group may exceed its max, and the price shown is the item price plus the chosen deltas.
 */
import { modifierMinimum, type ModifierGroup, type Minor } from '@kiosk/shared';

export type Selection = Record<string, string[]>;

export type ModifierProblem =
  { kind: 'too_few'; groupId: string; group: string; min: number } | { kind: 'too_many'; groupId: string; group: string; max: number };

export function modifierProblems(groups: ModifierGroup[], selection: Selection): ModifierProblem[] {
  const problems: ModifierProblem[] = [];
  for (const group of groups) {
    const chosen = selection[group.id]?.length ?? 0;
    const min = modifierMinimum(group);
    if (chosen < min) problems.push({ kind: 'too_few', groupId: group.id, group: group.name, min });
    if (chosen > group.max) problems.push({ kind: 'too_many', groupId: group.id, group: group.name, max: group.max });
  }
  return problems;
}

/**
 * Toggles an option. A single-choice group (max 1) behaves like radio buttons; a full
 * multi-choice group refuses another option rather than silently dropping one.
 */
export function toggleOption(group: ModifierGroup, selection: Selection, optionId: string): Selection {
  const current = selection[group.id] ?? [];
  if (current.includes(optionId)) return { ...selection, [group.id]: current.filter((id) => id !== optionId) };
  if (group.max === 1) return { ...selection, [group.id]: [optionId] };
  if (current.length >= group.max) return selection;
  return { ...selection, [group.id]: [...current, optionId] };
}

/** Unit price with the chosen options' deltas. */
export function unitPriceWith(basePrice: number, groups: ModifierGroup[], selection: Selection): Minor {
  let total = basePrice;
  for (const group of groups) {
    for (const optionId of selection[group.id] ?? []) {
      const option = group.options.find((o) => o.id === optionId);
      if (option) total += option.priceDelta;
    }
  }
  return total as Minor;
}

/** Selection → the `{ groupId, optionId }` list `submitOrder` takes, in group order. */
export function selectionToModifiers(groups: ModifierGroup[], selection: Selection): Array<{ groupId: string; optionId: string }> {
  return groups.flatMap((g) => (selection[g.id] ?? []).map((optionId) => ({ groupId: g.id, optionId })));
}
