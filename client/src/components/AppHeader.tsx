import type { ReactNode } from 'react';
import { LanguageSwitch } from '../i18n';
import { NumberingNote } from './NumberingNote';
import { SyncIndicator } from './SyncIndicator';

/** Top bar of every device screen: title, the sync indicator, who numbers, language, screen actions. */
export function AppHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="no-print flex flex-wrap items-center gap-x-4 gap-y-1 bg-slate-900 px-4 py-2 text-white">
      <h1 className="text-lg font-bold">{title}</h1>
      <div className="flex flex-1 flex-wrap items-center gap-x-4">
        <SyncIndicator />
        <NumberingNote />
      </div>
      {children}
      <LanguageSwitch />
    </header>
  );
}
