import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api';
import { LanguageSwitcher } from '../../lib/LanguageSwitcher';
import { useAuth } from './auth';
import { Button, Field } from './ui';

/** Centered card used by every signed-out page (login, invitation, password reset). */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <main id="main" className="flex min-h-screen items-center justify-center bg-stone-100 p-4">
      <div className="w-full max-w-sm rounded-xl border border-stone-200 bg-white p-6 shadow">
        <div className="mb-4 flex items-center justify-between">
          <p className="text-xl font-bold text-teal-800">Kvittra</p>
          <LanguageSwitcher />
        </div>
        <h1 className="text-lg font-semibold">{title}</h1>
        {subtitle && <p className="mt-1 text-sm text-stone-600">{subtitle}</p>}
        <div className="mt-4">{children}</div>
      </div>
    </main>
  );
}

/**
 * Email + password login for both consoles. Failures get one message that never says whether the
 * account exists (the server decides lockout; we only distinguish "slow down").
 */
export function LoginForm({ title, subtitle, footer }: { title: string; subtitle?: string; footer?: ReactNode }) {
  const { t } = useTranslation('console');
  const { login } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) setError(t('login.rateLimited'));
      else if (err instanceof ApiError && err.status === 0) setError(t('common:networkError'));
      else setError(t('login.failed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title={title} subtitle={subtitle}>
      <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3" noValidate>
        <Field label={t('login.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label={t('login.password')} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
        <Button type="submit" disabled={busy || !email || !password}>{busy ? t('login.busy') : t('login.submit')}</Button>
      </form>
      {footer && <div className="mt-4 text-sm">{footer}</div>}
    </AuthCard>
  );
}
