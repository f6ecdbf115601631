import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError, api } from '../../lib/api';
import { AUTH, useAuth } from '../common/auth';
import { AuthCard } from '../common/LoginForm';
import { Button, Field } from '../common/ui';
import { useLinkToken } from './linkToken';

export const MIN_PASSWORD = 12;

interface InvitationInfo {
  email: string;
  businessName: string;
  role: string;
  accountExists: boolean;
}

/** Server error codes of the account flows, shown in the viewer's language. */
export function accountError(t: (k: string) => string, err: unknown, fallback: string): string {
  if (!(err instanceof ApiError)) return fallback;
  if (err.code === 'invalid_token') return t('auth.invalidToken');
  if (err.code === 'weak_password') return t('auth.weakPassword');
  if (err.code === 'invalid_credentials') return t('invite.loginFailed');
  if (err.code === 'forbidden') return t('invite.wrongAccount');
  if (err.status === 429) return t('reset.rateLimited');
  if (err.status === 0) return t('common:networkError');
  return fallback;
}

/**
 * Signup by invitation. A new address chooses a password; an address that already has an account logs in
 * (through the normal login and its limits) and then accepts while signed in — the page never sends an
 * existing account's password along with the invitation.
 */
export function InvitePage() {
  const { t } = useTranslation('business');
  const token = useLinkToken();
  const [invite, setInvite] = useState<InvitationInfo | null>(null);
  const [inviteError, setInviteError] = useState<string | null>(null);
  // Set from the preview, or from the server's answer when the preview could not be loaded.
  const [existing, setExisting] = useState(false);
  useEffect(() => {
    if (!token) return;
    // Who the invitation is for, so the user knows which account they are creating or joining with.
    api<InvitationInfo>('POST', AUTH.lookupInvitation, { body: { token } })
      .then((info) => {
        setInvite(info);
        setExisting(info.accountExists);
      })
      // Only a known-bad link is worth saying up front; otherwise the form still works without the preview.
      .catch((err: unknown) => err instanceof ApiError && err.code === 'invalid_token' && setInviteError(accountError(t, err, t('invite.failed'))));
  }, [token, t]);

  if (!token) {
    return (
      <AuthCard title={t('invite.title')}>
        <p role="alert" className="text-sm text-red-700">{t('invite.missing')}</p>
        <Link className="mt-4 block text-sm text-teal-800 underline" to="/business/login">{t('auth.toLogin')}</Link>
      </AuthCard>
    );
  }
  const role = invite ? t(`team.roles.${invite.role}`) : '';
  if (inviteError) {
    // A used or expired link: nothing to fill in, only the way back to logging in.
    return (
      <AuthCard title={t('invite.title')} subtitle={t('invite.subtitle')}>
        <p role="alert" className="mb-3 text-sm text-red-700">{inviteError}</p>
        <Link className="block text-sm text-teal-800 underline" to="/business/login">{t('auth.toLogin')}</Link>
      </AuthCard>
    );
  }
  if (existing) {
    return (
      <AuthCard title={t('invite.existingTitle')} subtitle={invite ? t('invite.existingFor', { email: invite.email, business: invite.businessName, role }) : t('invite.existingSubtitle')}>
        <JoinAsMember token={token} invitedEmail={invite?.email ?? ''} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t('invite.title')} subtitle={invite ? t('invite.for', { email: invite.email, business: invite.businessName, role }) : t('invite.subtitle')}>
      <NewAccountForm token={token} onExisting={() => setExisting(true)} />
    </AuthCard>
  );
}

/** A new account: choose a password; the server creates the account and signs in. */
function NewAccountForm({ token, onExisting }: { token: string; onExisting: () => void }) {
  const { t } = useTranslation('business');
  const { refresh } = useAuth();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
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
      if (err instanceof ApiError && err.code === 'account_exists') onExisting();
      else setError(accountError(t, err, t('invite.failed')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3" noValidate>
      <Field label={t('auth.newPassword')} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} hint={t('auth.passwordRule', { n: MIN_PASSWORD })} error={tooShort ? t('auth.passwordRule', { n: MIN_PASSWORD }) : undefined} />
      <Field label={t('auth.repeatPassword')} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} error={mismatch ? t('auth.mismatch') : undefined} />
      {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
      <Button type="submit" disabled={busy || password.length < MIN_PASSWORD || password !== repeat}>{t('invite.submit')}</Button>
    </form>
  );
}

/** An existing account: log in normally (unless already signed in as the invitee), then accept while signed in. */
function JoinAsMember({ token, invitedEmail }: { token: string; invitedEmail: string }) {
  const { t } = useTranslation('business');
  const { status, user, login, logout, refresh } = useAuth();
  const navigate = useNavigate();
  const [email, setEmail] = useState(invitedEmail);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setEmail((e) => e || invitedEmail), [invitedEmail]);

  async function run(step: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await step();
      await api('POST', AUTH.joinInvitation, { body: { token } });
      await refresh();
      navigate('/business', { replace: true });
    } catch (err) {
      setError(accountError(t, err, t('invite.failed')));
    } finally {
      setBusy(false);
    }
  }

  if (status === 'loading') return null;
  if (status === 'authenticated' && user) {
    const other = invitedEmail !== '' && user.email !== invitedEmail;
    return (
      <div className="flex flex-col gap-3">
        <p className="text-sm">{other ? t('invite.wrongAccountAs', { current: user.email, email: invitedEmail }) : t('invite.signedInAs', { email: user.email })}</p>
        {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
        {other ? (
          <Button variant="secondary" onClick={() => void logout()}>{t('auth.logout')}</Button>
        ) : (
          <Button disabled={busy} onClick={() => void run(async () => undefined)}>{t('invite.acceptSubmit')}</Button>
        )}
      </div>
    );
  }
  return (
    <form onSubmit={(e) => { e.preventDefault(); void run(() => login(email.trim(), password)); }} className="flex flex-col gap-3" noValidate>
      <Field label={t('auth.email')} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
      <Field label={t('invite.password')} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
      <Button type="submit" disabled={busy || !email || !password}>{t('invite.loginSubmit')}</Button>
      <Link className="text-sm text-teal-800 underline" to="/business/reset">{t('auth.forgot')}</Link>
    </form>
  );
}
