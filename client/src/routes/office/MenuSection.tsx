/**
 * Menu and modifier editor. Every save goes through the API into the outlet document (attributed
 * to the signed-in person), so terminals see it live and offline ones on reconnect.
 */
import { useEffect, useState } from 'react';
import { asMinor, type CatalogView, type Category, type Item, type ModifierGroup } from '@kiosk/shared';
import { useT } from '../../i18n';
import {
  buttonClass,
  ConfirmButton,
  ErrorLine,
  inputClass,
  majorText,
  Panel,
  parseAmount,
  quietButtonClass,
  useAction,
  useLoad,
  useMoney,
  useOffice,
} from './kit';
import { slugOf } from './format';

export function MenuSection() {
  const t = useT();
  const { data, error, reload } = useLoad<CatalogView>('/catalog');
  return (
    <>
      <ErrorLine error={error} />
      {data && (
        <>
          <Panel title={t('menuItems')}>
            <ItemsEditor catalog={data} onSaved={reload} />
          </Panel>
          <Panel title={t('modifierGroups')}>
            <div className="flex flex-col gap-4">
              {data.modifierGroups.map((group) => (
                <GroupEditor key={group.id} group={group} onSaved={reload} />
              ))}
            </div>
          </Panel>
        </>
      )}
    </>
  );
}

function ItemsEditor({ catalog, onSaved }: { catalog: CatalogView; onSaved(): void }) {
  const t = useT();
  const [filter, setFilter] = useState('');
  const shown = catalog.items.filter((i) => i.name.toLowerCase().includes(filter.trim().toLowerCase()));
  const categoryName = (id: string) => catalog.categories.find((c) => c.id === id)?.name ?? id;
  return (
    <div className="flex flex-col gap-3">
      <input
        type="search"
        aria-label={t('searchItems')}
        placeholder={t('searchItems')}
        className={inputClass}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <table className="w-full text-left text-sm" aria-label={t('menuItems')}>
        <thead>
          <tr className="border-b">
            <th className="py-1">{t('itemName')}</th>
            <th className="py-1">{t('category')}</th>
            <th className="py-1">{t('price')}</th>
            <th className="py-1">{t('availableColumn')}</th>
            <th className="py-1" />
          </tr>
        </thead>
        <tbody>
          {shown.map((item) => (
            <ItemRow key={item.id} item={item} categoryName={categoryName(item.categoryId)} onSaved={onSaved} />
          ))}
        </tbody>
      </table>
      <NewItemForm categories={catalog.categories} itemIds={new Set(catalog.items.map((i) => i.id))} onSaved={onSaved} />
    </div>
  );
}

function ItemRow({ item, categoryName, onSaved }: { item: Item; categoryName: string; onSaved(): void }) {
  const t = useT();
  const { api, settings } = useOffice();
  const [price, setPrice] = useState(majorText(item.price, settings.currency));
  useEffect(() => setPrice(majorText(item.price, settings.currency)), [item.price, settings.currency]);
  const action = useAction();
  const savePrice = () =>
    void action.run(async () => {
      const parsed = parseAmount(price, settings.currency, t('priceOf', { name: item.name }));
      if ('error' in parsed) throw new Error(parsed.error);
      await api.write('PUT', `/items/${encodeURIComponent(item.id)}`, { ...item, price: parsed.value });
      onSaved();
    });
  // Shown at once; put back if the server refuses.
  const [available, setAvailableShown] = useState(item.available);
  useEffect(() => setAvailableShown(item.available), [item.available]);
  const setAvailable = (next: boolean) => {
    setAvailableShown(next);
    void action
      .run(async () => {
        await api.write('POST', `/items/${encodeURIComponent(item.id)}/availability`, { available: next });
        onSaved();
      })
      .then((ok) => ok || setAvailableShown(item.available));
  };
  const changed = price !== majorText(item.price, settings.currency);
  return (
    <tr className="border-b border-slate-100 align-top">
      <td className="py-1">{item.name}</td>
      <td className="py-1">{categoryName}</td>
      <td className="py-1">
        <input
          aria-label={t('priceOf', { name: item.name })}
          className={`${inputClass} w-28 text-right`}
          inputMode="decimal"
          value={price}
          onChange={(e) => setPrice(e.target.value)}
        />
        {changed && (
          <button className={`${buttonClass} ml-1`} disabled={action.busy} onClick={savePrice}>
            {t('savePriceOf', { name: item.name })}
          </button>
        )}
        <ErrorLine error={action.error} />
      </td>
      <td className="py-1">
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={available} disabled={action.busy} onChange={(e) => setAvailable(e.target.checked)} />
          <span>{t('availableOf', { name: item.name })}</span>
        </label>
      </td>
      <td className="py-1 text-right">{!available && <span className="rounded bg-rose-100 px-2 text-rose-800">86</span>}</td>
    </tr>
  );
}

function NewItemForm({ categories, itemIds, onSaved }: { categories: Category[]; itemIds: ReadonlySet<string>; onSaved(): void }) {
  const t = useT();
  const { api, settings } = useOffice();
  const [draft, setDraft] = useState({ name: '', categoryId: categories[0]?.id ?? '', price: '', station: 'kitchen' });
  const action = useAction();
  const submit = () =>
    void action.run(async () => {
      const parsed = parseAmount(draft.price, settings.currency, t('price'));
      if ('error' in parsed) throw new Error(parsed.error);
      const id = slugOf(draft.name);
      if (!id) throw new Error(`${t('itemName')}: ${t('required')}`);
      if (itemIds.has(id)) throw new Error(t('itemExists', { name: draft.name.trim() }));
      await api.write('PUT', `/items/${encodeURIComponent(id)}`, {
        name: draft.name.trim(),
        categoryId: draft.categoryId,
        price: parsed.value,
        available: true,
        station: draft.station,
        modifierGroupIds: [],
      });
      setDraft((d) => ({ ...d, name: '', price: '' }));
      onSaved();
    });
  return (
    <form
      aria-label={t('newItem')}
      className="flex flex-wrap items-end gap-2 border-t pt-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label className="flex flex-col text-sm">
        {t('itemName')}
        <input className={inputClass} required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
      </label>
      <label className="flex flex-col text-sm">
        {t('category')}
        <select aria-label={t('category')} className={inputClass} value={draft.categoryId} onChange={(e) => setDraft({ ...draft, categoryId: e.target.value })}>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-sm">
        {t('price')}
        <input className={inputClass} inputMode="decimal" required value={draft.price} onChange={(e) => setDraft({ ...draft, price: e.target.value })} />
      </label>
      <label className="flex flex-col text-sm">
        {t('station')}
        <input className={inputClass} required value={draft.station} onChange={(e) => setDraft({ ...draft, station: e.target.value })} />
      </label>
      <button className={buttonClass} disabled={action.busy}>
        {t('addNewItem')}
      </button>
      <ErrorLine error={action.error} />
    </form>
  );
}

function GroupEditor({ group, onSaved }: { group: ModifierGroup; onSaved(): void }) {
  const t = useT();
  const money = useMoney();
  const { api, settings } = useOffice();
  const toDraft = (g: ModifierGroup) => ({ ...g, options: g.options.map((o) => ({ ...o, delta: majorText(o.priceDelta, settings.currency) })) });
  const [draft, setDraft] = useState(() => toDraft(group));
  // The server's copy replaces the draft only when it really changed (a save, someone else's
  // edit), not on every catalog reload after an unrelated save.
  const serverCopy = JSON.stringify(group);
  useEffect(() => setDraft(toDraft(JSON.parse(serverCopy) as ModifierGroup)), [serverCopy]);
  const action = useAction();
  const save = () =>
    void action.run(async () => {
      const options = draft.options.map((o, i) => {
        const delta = o.delta.trim();
        const negative = delta.startsWith('-');
        const parsed = parseAmount(negative ? delta.slice(1) : delta, settings.currency, `options.${i}.priceDelta`);
        if ('error' in parsed) throw new Error(parsed.error);
        return { id: o.id, name: o.name, priceDelta: negative ? -parsed.value : parsed.value };
      });
      await api.write('PUT', `/modifier-groups/${encodeURIComponent(group.id)}`, {
        name: draft.name,
        required: draft.required,
        min: draft.min,
        max: draft.max,
        options,
      });
      onSaved();
    });
  const setOption = (index: number, patch: Partial<(typeof draft.options)[number]>) =>
    setDraft((d) => ({ ...d, options: d.options.map((o, i) => (i === index ? { ...o, ...patch } : o)) }));
  return (
    <fieldset className="rounded border border-slate-200 p-3">
      <legend className="px-1 font-semibold">{group.name}</legend>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-sm">
          {t('groupName')}
          <input className={inputClass} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </label>
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" checked={draft.required} onChange={(e) => setDraft({ ...draft, required: e.target.checked })} />
          {t('requiredGroup')}
        </label>
        <label className="flex flex-col text-sm">
          {t('minChoices')}
          <input
            className={`${inputClass} w-20`}
            type="number"
            min={0}
            value={draft.min}
            onChange={(e) => setDraft({ ...draft, min: Number(e.target.value) })}
          />
        </label>
        <label className="flex flex-col text-sm">
          {t('maxChoices')}
          <input
            className={`${inputClass} w-20`}
            type="number"
            min={1}
            value={draft.max}
            onChange={(e) => setDraft({ ...draft, max: Number(e.target.value) })}
          />
        </label>
      </div>
      <ul className="mt-2 flex flex-col gap-1">
        {draft.options.map((option, index) => (
          <li key={option.id} className="flex flex-wrap items-center gap-2">
            <input
              aria-label={t('optionName', { group: group.name, index: index + 1 })}
              className={inputClass}
              value={option.name}
              onChange={(e) => setOption(index, { name: e.target.value })}
            />
            <input
              aria-label={t('optionDelta', { name: option.name })}
              className={`${inputClass} w-28 text-right`}
              inputMode="decimal"
              value={option.delta}
              onChange={(e) => setOption(index, { delta: e.target.value })}
            />
            <span className="text-sm text-slate-500">{money(option.priceDelta)}</span>
            {draft.options.length > 1 && (
              <ConfirmButton
                label={t('removeOption', { name: option.name })}
                confirmLabel={t('confirmRemove')}
                onConfirm={() => setDraft((d) => ({ ...d, options: d.options.filter((_, i) => i !== index) }))}
              />
            )}
          </li>
        ))}
      </ul>
      <div className="mt-2 flex gap-2">
        <button
          className={quietButtonClass}
          onClick={() =>
            setDraft((d) => ({
              ...d,
              options: [...d.options, { id: `opt-${Date.now().toString(36)}`, name: t('newOption'), priceDelta: asMinor(0), delta: '0' }],
            }))
          }
        >
          {t('addOptionTo', { group: group.name })}
        </button>
        <button className={buttonClass} disabled={action.busy} onClick={save}>
          {t('saveGroup', { group: group.name })}
        </button>
      </div>
      <ErrorLine error={action.error} />
    </fieldset>
  );
}
