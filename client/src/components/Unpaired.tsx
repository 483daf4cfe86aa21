import { useT } from '../i18n';

export function Unpaired() {
  const t = useT();
  return (
    <main className="p-8 text-center">
      <p className="text-lg">{t('notPaired')}</p>
      <a href="/setup" className="mt-4 inline-block rounded bg-slate-900 px-4 py-2 text-white">
        {t('goToSetup')}
      </a>
    </main>
  );
}
