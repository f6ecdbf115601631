import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router-dom';
import { LanguageSwitcher } from '../../lib/LanguageSwitcher';
import { useAuth } from './auth';
import { Button } from './ui';

export interface NavItem {
  to: string;
  label: string;
  end?: boolean;
}

/** Desktop-first console layout: a sidebar that folds into a menu button on small screens. */
export function Shell({ brand, nav, topSlot, children }: { brand: string; nav: NavItem[]; topSlot?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation('console');
  const { user, logout } = useAuth();
  const [open, setOpen] = useState(false);
  return (
    <div className="min-h-screen bg-stone-50 md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        {t('skipToContent')}
      </a>
      <aside className="border-b border-stone-200 bg-white md:sticky md:top-0 md:h-screen md:w-60 md:shrink-0 md:overflow-y-auto md:border-b-0 md:border-r print:hidden">
        <div className="flex items-center justify-between p-4">
          <p className="text-lg font-bold text-teal-800">{brand}</p>
          <Button variant="secondary" className="md:hidden" aria-expanded={open} aria-controls="console-nav" onClick={() => setOpen((o) => !o)}>
            {t('menu')}
          </Button>
        </div>
        <nav id="console-nav" aria-label={t('mainNav')} className={`${open ? 'block' : 'hidden'} px-2 pb-4 md:block`}>
          <ul className="flex flex-col gap-1">
            {nav.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  end={item.end}
                  onClick={() => setOpen(false)}
                  className={({ isActive }) => `block rounded-md px-3 py-2 text-sm ${isActive ? 'bg-teal-50 font-semibold text-teal-900' : 'text-stone-700 hover:bg-stone-100'}`}
                >
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="min-w-0 flex-1">
        <header className="flex flex-wrap items-center justify-end gap-3 border-b border-stone-200 bg-white px-4 py-2 print:hidden">
          {topSlot}
          <LanguageSwitcher />
          {user && <span className="hidden text-sm text-stone-600 sm:inline">{t('loggedInAs', { email: user.email })}</span>}
          <Button variant="secondary" onClick={() => void logout()}>{t('logout')}</Button>
        </header>
        <main id="main" tabIndex={-1} className="mx-auto max-w-7xl p-4 md:p-6">
          {children}
        </main>
      </div>
    </div>
  );
}
