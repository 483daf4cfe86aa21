import { useState } from 'react';
import { formatMoney, modifierMinimum, type Item, type ModifierGroup, type OutletSettings } from '@kiosk/shared';
import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n';
import { modifierProblems, selectionToModifiers, toggleOption, unitPriceWith, type Selection } from './modifier-rules';

export interface PickedLine {
  itemId: string;
  modifiers: Array<{ groupId: string; optionId: string }>;
  note?: string;
}

/** Options of an item: required/min/max enforced, price deltas shown, a note for the kitchen. */
export function ModifierDialog({
  item,
  groups,
  settings,
  onClose,
  onAdd,
}: {
  item: Item;
  groups: ModifierGroup[];
  settings: OutletSettings;
  onClose: () => void;
  onAdd: (line: PickedLine) => void;
}) {
  const t = useT();
  const [selection, setSelection] = useState<Selection>({});
  const [note, setNote] = useState('');
  const money = (n: number) => formatMoney(n, settings.currency, settings.locale);
  const problems = modifierProblems(groups, selection);
  return (
    <Dialog title={t('chooseOptions', { name: item.name })} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (problems.length) return;
          onAdd({ itemId: item.id, modifiers: selectionToModifiers(groups, selection), note: note.trim() || undefined });
        }}
      >
        {groups.map((group) => {
          const min = modifierMinimum(group);
          const single = group.max === 1;
          return (
            <fieldset key={group.id} className="rounded-lg border border-slate-200 p-3">
              <legend className="px-1 font-semibold">
                {group.name}{' '}
                <span className="text-sm font-normal text-slate-500">
                  (
                  {[group.required ? t('required') : null, min > 0 ? t('chooseBetween', { min, max: group.max }) : t('chooseUpTo', { max: group.max })]
                    .filter(Boolean)
                    .join(', ')}
                  )
                </span>
              </legend>
              <div className="grid grid-cols-2 gap-2">
                {group.options.map((option) => {
                  const checked = selection[group.id]?.includes(option.id) ?? false;
                  const full = !single && !checked && (selection[group.id]?.length ?? 0) >= group.max;
                  return (
                    <label
                      key={option.id}
                      className={`flex cursor-pointer items-center gap-2 rounded border px-3 py-2 ${checked ? 'border-slate-900 bg-slate-100' : 'border-slate-200'} ${full ? 'opacity-50' : ''}`}
                    >
                      <input
                        type={single ? 'radio' : 'checkbox'}
                        name={group.id}
                        checked={checked}
                        disabled={full}
                        onChange={() => setSelection((s) => toggleOption(group, s, option.id))}
                      />
                      <span className="flex-1">{option.name}</span>
                      {option.priceDelta !== 0 && (
                        <span className="text-sm text-slate-600">{`${option.priceDelta > 0 ? '+' : '−'}${money(Math.abs(option.priceDelta))}`}</span>
                      )}
                    </label>
                  );
                })}
              </div>
            </fieldset>
          );
        })}
        <label className="block">
          <span className="block text-sm font-medium">{t('lineNote')}</span>
          <input className="mt-1 w-full rounded border border-slate-300 px-3 py-2" maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        {problems.length > 0 && (
          <p className="text-sm text-amber-700">
            {problems.map((p) => (p.kind === 'too_few' ? t('modifierNeedsMore', { group: p.group, min: p.min }) : `${p.group}: ≤ ${p.max}`)).join(' · ')}
          </p>
        )}
        <div className="flex items-center justify-end gap-2">
          <span className="mr-auto text-lg font-semibold">{money(unitPriceWith(item.price, groups, selection))}</span>
          <button type="button" className="rounded px-4 py-2 ring-1 ring-slate-300" onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" disabled={problems.length > 0} className="rounded bg-slate-900 px-4 py-2 font-semibold text-white disabled:opacity-40">
            {t('addToOrder')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
