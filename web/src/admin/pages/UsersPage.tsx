import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { formatDateTime } from '../../business/common/format';
import { PagedList } from '../../business/common/PagedList';
import { Badge, Button, Card, ErrorBox, Field, PageHeader, Select, Table, Td } from '../../business/common/ui';
import { useAction } from '../../business/common/useApi';
import { usePaged } from '../../business/common/usePaged';

interface LoginLock { locked: boolean; failures: number; networks: number; lockedNetworks: number }
interface UserRow { id: string; email: string; role: 'admin' | 'business'; status: 'active' | 'disabled'; createdAt: string; lastLoginAt: string | null; memberships: { businessId: string; businessName: string; role: string }[]; loginLock: LoginLock }

/** Every account: search, filter by role, disable (ends sessions) or re-enable, lift a sign-in lock; create operators. */
export function UsersPage() {
  const { t } = useTranslation('admin');
  const [search, setSearch] = useState('');
  const [role, setRole] = useState('');
  const list = usePaged<UserRow>('/admin/users', { search, role });
  const action = useAction();
  return (
    <>
      <PageHeader title={t('users.title')} />
      <NewOperator onCreated={list.reload} />
      <Card actions={
        <div className="flex flex-wrap items-end gap-2">
          <Field label={t('console:search')} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
          <Select label={t('users.role')} value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">{t('console:all')}</option>
            <option value="admin">{t('users.roles.admin')}</option>
            <option value="business">{t('users.roles.business')}</option>
          </Select>
        </div>
      }>
        <ErrorBox error={action.error} />
        <PagedList list={list}>
          {(rows) => (
            <Table caption={t('users.title')} head={[t('users.email'), t('users.role'), t('users.memberships'), t('users.lastLogin'), t('console:status'), t('console:actions')]}>
              {rows.map((u) => (
                <tr key={u.id}>
                  <Td>{u.email}</Td>
                  <Td>{t(`users.roles.${u.role}`)}</Td>
                  <Td className="text-xs">{u.memberships.map((m) => `${m.businessName} (${t(`users.memberRoles.${m.role}`, { defaultValue: m.role })})`).join(', ') || '–'}</Td>
                  <Td>{formatDateTime(u.lastLoginAt)}</Td>
                  <Td>
                    <Badge tone={u.status === 'active' ? 'good' : 'bad'}>{t(`users.status.${u.status}`)}</Badge>{' '}
                    <LockBadge lock={u.loginLock} />
                  </Td>
                  <Td>
                    <div className="flex flex-wrap gap-2">
                      <Button variant="secondary" disabled={action.busy} onClick={() => void action.run(() => api('POST', `/admin/users/${u.id}/${u.status === 'active' ? 'disable' : 'enable'}`)).then(list.reload)}>
                        {u.status === 'active' ? t('users.disable') : t('users.enable')}
                      </Button>
                      {u.loginLock.failures > 0 && (
                        <Button variant="secondary" disabled={action.busy} onClick={() => { if (window.confirm(t('users.unlockConfirm', { email: u.email }))) void action.run(() => api('POST', `/admin/users/${u.id}/unlock`)).then(list.reload); }}>
                          {t('users.unlock')}
                        </Button>
                      )}
                    </div>
                  </Td>
                </tr>
              ))}
            </Table>
          )}
        </PagedList>
      </Card>
    </>
  );
}

/** Failed sign-ins: the whole account locked (many networks), some addresses waiting, or only failures on record. */
function LockBadge({ lock }: { lock: LoginLock }) {
  const { t } = useTranslation('admin');
  if (lock.locked) return <Badge tone="bad">{t('users.lock.locked', { networks: lock.networks })}</Badge>;
  if (lock.lockedNetworks > 0) return <Badge tone="warn">{t('users.lock.waiting', { count: lock.lockedNetworks })}</Badge>;
  if (lock.failures > 0) return <Badge>{t('users.lock.failures', { count: lock.failures })}</Badge>;
  return null;
}

function NewOperator({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation('admin');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await action.run(() => api('POST', '/admin/users', { body: { email: email.trim(), password } }))) {
      setEmail('');
      setPassword('');
      onCreated();
    }
  }
  return (
    <Card title={t('users.newOperator')} className="mb-6">
      <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <Field label={t('users.email')} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label={t('users.password')} type="password" autoComplete="new-password" hint={t('users.passwordHint')} value={password} onChange={(e) => setPassword(e.target.value)} />
        <Button type="submit" disabled={action.busy || !email.includes('@') || password.length < 12}>{t('console:create')}</Button>
      </form>
      <ErrorBox error={action.error} />
    </Card>
  );
}
