import { useMemo, useState } from 'react';
import { formatMoney, type Category, type Item, type OutletSettings } from '@kiosk/shared';
import { useT } from '../../i18n';

/** Menu by category with search; 86'd items are shown but cannot be ordered. */
export function MenuGrid({
  categories,
  items,
  settings,
  onPick,
}: {
  categories: Category[];
  items: Item[];
  settings: OutletSettings;
  onPick: (item: Item) => void;
}) {
  const t = useT();
  const [category, setCategory] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const sortedCategories = useMemo(() => [...categories].sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name)), [categories]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return items
      .filter((i) => (q ? i.name.toLowerCase().includes(q) : category === null || i.categoryId === category))
      .sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name));
  }, [items, category, query]);
  return (
    <section aria-label={t('menu')} className="flex min-h-0 flex-1 flex-col gap-2">
      <input
        type="search"
        aria-label={t('search')}
        placeholder={t('search')}
        className="min-h-11 rounded-lg border border-slate-300 px-3 py-2"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div role="tablist" aria-label={t('menu')} className="flex flex-wrap gap-2">
        {[{ id: null, name: t('allCategories') }, ...sortedCategories].map((c) => (
          <button
            key={c.id ?? 'all'}
            role="tab"
            aria-selected={category === c.id}
            className={`min-h-11 rounded-full px-4 py-2 text-sm font-medium ${category === c.id ? 'bg-slate-900 text-white' : 'bg-white ring-1 ring-slate-300'}`}
            onClick={() => {
              setCategory(c.id);
              setQuery('');
            }}
          >
            {c.name}
          </button>
        ))}
      </div>
      <div className="grid min-h-0 grid-cols-2 gap-2 overflow-auto sm:grid-cols-3 lg:grid-cols-4">
        {shown.map((item) => (
          <button
            key={item.id}
            aria-label={item.available ? t('addItem', { name: item.name }) : `${item.name} — ${t('soldOut')}`}
            disabled={!item.available}
            onClick={() => onPick(item)}
            className="flex min-h-20 flex-col items-start justify-between rounded-lg bg-white p-3 text-left shadow-sm ring-1 ring-slate-200 hover:ring-slate-400 disabled:cursor-not-allowed disabled:opacity-50"
          >
            <span className="font-semibold">{item.name}</span>
            <span className="text-sm text-slate-600">{item.available ? formatMoney(item.price, settings.currency, settings.locale) : t('soldOut')}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
