/**
 * Cart lines → the priced-line input of shared `price`, for the live total on screen. The
 * order itself is priced again by `submitOrder` from the same catalog, so both agree.
 */
import type { Item, LineId, Minor, ModifierGroup, OutletSnapshot } from '@kiosk/shared';

export interface CartLineInput {
  key: string;
  itemId: string;
  qty: number;
  modifiers: Array<{ groupId: string; optionId: string }>;
  note?: string;
}

export interface ResolvedLine {
  id: LineId;
  itemId: string;
  name: string;
  categoryId: string;
  station: string;
  qty: number;
  unitPrice: Minor;
  modifiers: Array<{ groupId: string; optionId: string; name: string; priceDelta: Minor }>;
  note?: string;
}

/** Throws naming the item or option when the catalog no longer has it (edited meanwhile). */
export function resolveCartLines(lines: CartLineInput[], outlet: Pick<OutletSnapshot, 'items' | 'modifierGroups'>): ResolvedLine[] {
  const items = new Map<string, Item>(outlet.items.map((i) => [i.id, i]));
  const groups = new Map<string, ModifierGroup>(outlet.modifierGroups.map((g) => [g.id, g]));
  return lines.map((line) => {
    const item = items.get(line.itemId);
    if (!item) throw new Error(`item ${line.itemId} is no longer on the menu`);
    return {
      id: line.key as LineId,
      itemId: item.id,
      name: item.name,
      categoryId: item.categoryId,
      station: item.station,
      qty: line.qty,
      unitPrice: item.price,
      modifiers: line.modifiers.map((m) => {
        const option = groups.get(m.groupId)?.options.find((o) => o.id === m.optionId);
        if (!option) throw new Error(`option ${m.groupId}/${m.optionId} of ${item.name} no longer exists`);
        return { groupId: m.groupId, optionId: m.optionId, name: option.name, priceDelta: option.priceDelta };
      }),
      ...(line.note ? { note: line.note } : {}),
    };
  });
}
