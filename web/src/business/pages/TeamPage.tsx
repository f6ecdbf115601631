import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { useAuth } from '../common/auth';
import { useBusiness } from '../BusinessContext';
import { formatDateTime } from '../common/format';
import { Badge, Button, Card, CopyButton, Empty, ErrorBox, Field, Loaded, PageHeader, Select, Table, Td } from '../common/ui';
import { useAction, useApi } from '../common/useApi';

type Role = 'owner' | 'staff';
interface Member { userId: string; email: string; role: Role; status: string; createdAt: string }
interface Invitation { id: string; email: string; role: Role; expiresAt: string; createdAt: string; link?: string }

/** Members and open invitations; owners invite, change roles and remove (the server keeps one owner). */
export function TeamPage() {
  const { t } = useTranslation('business');
  const { base, isOwner } = useBusiness();
  const { user } = useAuth();
  const res = useApi<{ items: Member[]; invitations: Invitation[] }>(`${base}/members`);
  const action = useAction();
  const [created, setCreated] = useState<Invitation | null>(null);

  async function remove(m: Member) {
    if (!window.confirm(t('team.removeConfirm', { email: m.email }))) return;
    if ((await action.run(() => api('DELETE', `${base}/members/${m.userId}`))) !== undefined || !action.error) res.reload();
  }
  async function setRole(m: Member, role: Role) {
    if (await action.run(() => api('PATCH', `${base}/members/${m.userId}`, { body: { role } }))) res.reload();
  }
  async function withdraw(inv: Invitation) {
    await action.run(() => api('DELETE', `${base}/invitations/${inv.id}`));
    res.reload();
  }
  return (
    <>
      <PageHeader title={t('team.title')} />
      {isOwner ? <InviteForm onCreated={(inv) => { setCreated(inv); res.reload(); }} /> : <p className="mb-4 text-sm text-stone-600">{t('ownerOnly')}</p>}
      {created && (
        <Card className="mb-4" title={t('team.invited', { email: created.email })}>
          {/* Operators also get the link back; a business owner's invitation link only goes to the invitee's mailbox. */}
          <p className="text-sm" role="status">{created.link ? t('team.linkHint') : t('team.mailedHint')}</p>
          {created.link && <div className="mt-2 flex flex-wrap items-center gap-2"><code className="break-all rounded bg-stone-100 px-2 py-1 text-xs">{created.link}</code><CopyButton text={created.link} /></div>}
        </Card>
      )}
      <ErrorBox error={action.error} />
      <Loaded res={res}>
        {(d) => (
          <div className="flex flex-col gap-6">
            <Card title={t('team.members')}>
              <Table caption={t('team.members')} head={[t('team.email'), t('team.role'), t('team.since'), t('console:actions')]}>
                {d.items.map((m) => (
                  <tr key={m.userId}>
                    <Td>{m.email} {m.status !== 'active' && <Badge tone="bad">{t('team.disabled')}</Badge>}</Td>
                    <Td>
                      {isOwner && m.userId !== user?.id ? (
                        <select aria-label={t('team.roleOf', { email: m.email })} className="rounded border border-stone-300 px-2 py-1" value={m.role} onChange={(e) => void setRole(m, e.target.value as Role)}>
                          <option value="owner">{t('team.roles.owner')}</option>
                          <option value="staff">{t('team.roles.staff')}</option>
                        </select>
                      ) : t(`team.roles.${m.role}`)}
                    </Td>
                    <Td>{formatDateTime(m.createdAt)}</Td>
                    <Td>{isOwner && m.userId !== user?.id && <Button variant="secondary" onClick={() => void remove(m)}>{t('console:remove')}</Button>}</Td>
                  </tr>
                ))}
              </Table>
            </Card>
            <Card title={t('team.invitations')}>
              {d.invitations.length === 0 ? <Empty>{t('team.noInvitations')}</Empty> : (
                <Table caption={t('team.invitations')} head={[t('team.email'), t('team.role'), t('team.expires'), t('console:actions')]}>
                  {d.invitations.map((inv) => (
                    <tr key={inv.id}>
                      <Td>{inv.email}</Td>
                      <Td>{t(`team.roles.${inv.role}`)}</Td>
                      <Td>{formatDateTime(inv.expiresAt)}</Td>
                      <Td>{isOwner && <Button variant="secondary" onClick={() => void withdraw(inv)}>{t('team.withdraw')}</Button>}</Td>
                    </tr>
                  ))}
                </Table>
              )}
            </Card>
          </div>
        )}
      </Loaded>
    </>
  );
}

function InviteForm({ onCreated }: { onCreated: (inv: Invitation) => void }) {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const inv = await action.run(() => api<Invitation>('POST', `${base}/invitations`, { body: { email: email.trim(), role } }));
    if (inv) {
      setEmail('');
      onCreated(inv);
    }
  }
  return (
    <Card title={t('team.invite')} className="mb-6">
      <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
        <Field label={t('team.email')} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        <Select label={t('team.role')} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="staff">{t('team.roles.staff')}</option>
          <option value="owner">{t('team.roles.owner')}</option>
        </Select>
        <Button type="submit" disabled={action.busy || !email.includes('@')}>{t('team.send')}</Button>
      </form>
      <ErrorBox error={action.error} />
    </Card>
  );
}
