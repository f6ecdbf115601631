import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, api } from '../../lib/api';
import { AUTH } from '../common/auth';
import { AuthCard } from '../common/LoginForm';
import { Button, Field } from '../common/ui';
import { MIN_PASSWORD, accountError } from './InvitePage';
import { useLinkToken } from './linkToken';

/** `/business/reset` asks for a link; `/business/reset#token=…` (from the email; old mails `?token=…`) sets the new password. */
export function ResetPage() {
  const token = useLinkToken();
  return token ? <ResetConfirm token={token} /> : <ResetRequest />;
}

function ResetRequest() {
  const { t } = useTranslation('business');
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', AUTH.resetRequest, { body: { email: email.trim() } });
      setSent(true);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? t('reset.rateLimited') : t('reset.failed'));
    }
  }
  return (
    <AuthCard title={t('reset.requestTitle')} subtitle={t('reset.requestSubtitle')}>
      {sent ? (
        // Same answer whether or not the account exists.
        <p role="status" className="text-sm text-teal-900">{t('reset.sent')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3" noValidate>
          <Field label={t('auth.email')} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
          {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
          <Button type="submit" disabled={!email.includes('@')}>{t('reset.send')}</Button>
        </form>
      )}
      <Link className="mt-4 block text-sm text-teal-800 underline" to="/business/login">{t('auth.toLogin')}</Link>
    </AuthCard>
  );
}

function ResetConfirm({ token }: { token: string }) {
  const { t } = useTranslation('business');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', AUTH.resetConfirm, { body: { token, password } });
      setDone(true);
    } catch (err) {
      setError(accountError(t, err, t('reset.invalid')));
    }
  }
  return (
    <AuthCard title={t('reset.confirmTitle')}>
      {done ? (
        <p role="status" className="text-sm text-teal-900">{t('reset.done')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3" noValidate>
          <Field label={t('auth.newPassword')} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} hint={t('auth.passwordRule', { n: MIN_PASSWORD })} />
          <Field label={t('auth.repeatPassword')} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} error={repeat && repeat !== password ? t('auth.mismatch') : undefined} />
          {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
          <Button type="submit" disabled={password.length < MIN_PASSWORD || password !== repeat}>{t('reset.save')}</Button>
        </form>
      )}
      <Link className="mt-4 block text-sm text-teal-800 underline" to="/business/login">{t('auth.toLogin')}</Link>
    </AuthCard>
  );
}
