import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../../lib/api';
import { AUTH, useAuth } from '../common/auth';
import { AuthCard } from '../common/LoginForm';
import { Button, Field } from '../common/ui';

export const MIN_PASSWORD = 12;

/** Server error codes of the account flows, shown in the viewer's language. */
export function accountError(t: (k: string) => string, err: unknown, fallback: string): string {
  if (!(err instanceof ApiError)) return fallback;
  if (err.code === 'invalid_token') return t('auth.invalidToken');
  if (err.code === 'weak_password') return t('auth.weakPassword');
  if (err.code === 'invalid_credentials') return t('invite.existingAccount');
  if (err.status === 429) return t('reset.rateLimited');
  if (err.status === 0) return t('common:networkError');
  return fallback;
}

/** Signup by invitation: the emailed link carries the token; the user only chooses a password. */
export function InvitePage() {
  const { t } = useTranslation('business');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { refresh } = useAuth();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [invite, setInvite] = useState<{ email: string; businessName: string; role: string } | null>(null);
  const [inviteError, setInviteError] = useState<string | null>(null);
  useEffect(() => {
    if (!token) return;
    // Who the invitation is for, so the user knows which account they are creating.
    api<{ email: string; businessName: string; role: string }>('GET', '/api/v1/auth/invitation', { query: { token } })
      .then(setInvite)
      // Only a known-bad link is worth saying up front; otherwise the form still works without the preview.
      .catch((err: unknown) => err instanceof ApiError && err.code === 'invalid_token' && setInviteError(accountError(t, err, t('invite.failed'))));
  }, [token, t]);
  const mismatch = repeat !== '' && repeat !== password;
  const tooShort = password !== '' && password.length < MIN_PASSWORD;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', AUTH.acceptInvitation, { body: { token, password } });
      await refresh();
      navigate('/business', { replace: true });
    } catch (err) {
      setError(accountError(t, err, t('invite.failed')));
    } finally {
      setBusy(false);
    }
  }

  if (!token) {
    return (
      <AuthCard title={t('invite.title')}>
        <p role="alert" className="text-sm text-red-700">{t('invite.missing')}</p>
        <Link className="mt-4 block text-sm text-teal-800 underline" to="/business/login">{t('auth.toLogin')}</Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t('invite.title')} subtitle={invite ? t('invite.for', { email: invite.email, business: invite.businessName, role: t(`team.roles.${invite.role}`) }) : t('invite.subtitle')}>
      {inviteError ? (
        // A used or expired link: nothing to fill in, only the way back to logging in.
        <>
          <p role="alert" className="mb-3 text-sm text-red-700">{inviteError}</p>
          <Link className="block text-sm text-teal-800 underline" to="/business/login">{t('auth.toLogin')}</Link>
        </>
      ) : (
      <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3" noValidate>
        <Field label={t('auth.newPassword')} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} hint={t('auth.passwordRule', { n: MIN_PASSWORD })} error={tooShort ? t('auth.passwordRule', { n: MIN_PASSWORD }) : undefined} />
        <Field label={t('auth.repeatPassword')} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} error={mismatch ? t('auth.mismatch') : undefined} />
        {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
        <Button type="submit" disabled={busy || password.length < MIN_PASSWORD || password !== repeat}>{t('invite.submit')}</Button>
      </form>
      )}
    </AuthCard>
  );
}
