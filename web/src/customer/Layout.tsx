import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '../lib/LanguageSwitcher';

/** Phone-first frame: brand, language switch, then one step at a time in a card. */
export function CustomerLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation('customer');
  return (
    <div className="mx-auto flex min-h-dvh max-w-md flex-col">
      <header className="flex items-center justify-between px-4 py-3">
        <div>
          <p className="text-lg font-bold text-teal-800">{t('appName')}</p>
          <p className="text-xs text-stone-600">{t('tagline')}</p>
        </div>
        <LanguageSwitcher />
      </header>
      <main className="flex-1 px-4 pb-8">{children}</main>
    </div>
  );
}

/**
 * One step of the journey. Its heading takes focus when the step appears, so keyboard and screen-reader
 * users land on the new content instead of a button that no longer exists.
 */
export function Step({ name, title, children, progress }: { name: string; title: string; children: ReactNode; progress?: { n: number; total: number } }) {
  const { t } = useTranslation('customer');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [name]);
  return (
    <section data-step={name} aria-labelledby={`step-${name}`} className="flex flex-col gap-4 rounded-2xl bg-white p-5 shadow-sm ring-1 ring-stone-200">
      {progress ? <p className="text-sm text-stone-600">{t('steps.label', progress)}</p> : null}
      <h1 id={`step-${name}`} ref={heading} tabIndex={-1} className="text-2xl font-bold text-stone-900 focus:outline-none">
        {title}
      </h1>
      {children}
    </section>
  );
}
