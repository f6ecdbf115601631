import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../../lib/api';
import { formatDate, formatDateTime } from '../../business/common/format';
import { PagedList } from '../../business/common/PagedList';
import { Badge, Button, Card, CopyButton, ErrorBox, Field, PageHeader, Select, Table, Td } from '../../business/common/ui';
import { useAction, useApi } from '../../business/common/useApi';
import { usePaged } from '../../business/common/usePaged';
import { ReasonAction } from '../ReasonAction';

const TYPES = ['grocery', 'cafe', 'restaurant', 'retail'] as const;
interface Business { id: string; name: string; orgNumber: string; businessType: string; email: string; status: 'active' | 'disabled'; approvalStatus?: 'pending' | 'approved' | 'rejected'; createdAt: string }
interface Trial { state: 'trial' | 'active' | 'expired'; feedbacksUsed: number; feedbacksLeft: number; maxFeedbacks: number; endsAt: string }

/** Tenants: create (org number validated by the server), approve or reject, disable, trial, invite the owner. */
export function BusinessesPage() {
  const { t } = useTranslation('admin');
  const [tab, setTab] = useState<'all' | 'pending'>('all');
  const [search, setSearch] = useState('');
  const list = usePaged<Business>(tab === 'pending' ? '/admin/business-approvals' : '/admin/businesses', tab === 'pending' ? { status: 'pending' } : { search });
  return (
    <>
      <PageHeader title={t('businesses.title')} />
      <CreateBusiness onCreated={list.reload} />
      <Card
        actions={
          <div className="flex flex-wrap items-end gap-2">
            <div role="tablist" aria-label={t('businesses.title')} className="flex gap-1">
              {(['all', 'pending'] as const).map((k) => <Button key={k} role="tab" aria-selected={tab === k} variant={tab === k ? 'primary' : 'secondary'} onClick={() => setTab(k)}>{t(`businesses.tab.${k}`)}</Button>)}
            </div>
            {tab === 'all' && <Field label={t('console:search')} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}
          </div>
        }
      >
        <PagedList list={list} empty={t('businesses.none')}>
          {(rows) => (
            <Table caption={t('businesses.title')} head={[t('businesses.name'), t('businesses.orgNumber'), t('businesses.type'), t('console:status'), t('businesses.trial'), t('console:actions')]}>
              {rows.map((b) => <BusinessRow key={b.id} b={b} pending={tab === 'pending' || b.approvalStatus === 'pending'} onChange={list.reload} />)}
            </Table>
          )}
        </PagedList>
      </Card>
    </>
  );
}

function BusinessRow({ b, pending, onChange }: { b: Business; pending: boolean; onChange: () => void }) {
  const { t } = useTranslation('admin');
  const trial = useApi<Trial>(`/admin/businesses/${b.id}/trial`);
  const action = useAction();
  const [invite, setInvite] = useState<string | null>(null);
  async function inviteOwner() {
    const email = window.prompt(t('businesses.inviteEmail'), b.email);
    if (!email) return;
    const r = await action.run(() => api<{ link?: string }>('POST', `/admin/businesses/${b.id}/invitations`, { body: { email, role: 'owner' } }));
    if (r) setInvite(r.link ?? t('businesses.inviteSent'));
  }
  return (
    <tr data-testid="business-row">
      <Td><p className="font-medium">{b.name}</p><p className="text-xs text-stone-600">{b.email} · {formatDate(b.createdAt)}</p></Td>
      <Td className="font-mono">{b.orgNumber}</Td>
      <Td>{t(`businesses.types.${b.businessType}`, { defaultValue: b.businessType })}</Td>
      <Td>
        <div className="flex flex-wrap gap-1">
          <Badge tone={b.status === 'active' ? 'good' : 'bad'}>{t(`businesses.status.${b.status}`)}</Badge>
          {pending ? <Badge tone="warn">{t('businesses.approval.pending')}</Badge> : b.approvalStatus === 'rejected' && <Badge tone="bad">{t('businesses.approval.rejected')}</Badge>}
        </div>
      </Td>
      <Td className="text-xs">{trial.data ? t(`businesses.trialState.${trial.data.state}`, { used: trial.data.feedbacksUsed, max: trial.data.maxFeedbacks, at: formatDate(trial.data.endsAt) }) : '–'}</Td>
      <Td>
        <div className="flex flex-wrap gap-1">
          {pending && <Button disabled={action.busy} onClick={() => void action.run(() => api('POST', `/admin/businesses/${b.id}/approve`, { body: {} })).then(onChange)}>{t('businesses.approve')}</Button>}
          {pending && <ReasonAction label={t('businesses.reject')} variant="danger" onSubmit={(reason) => api('POST', `/admin/businesses/${b.id}/reject-approval`, { body: { reason } })} onDone={onChange} />}
          <Button variant="secondary" disabled={action.busy} onClick={() => void action.run(() => api('POST', `/admin/businesses/${b.id}/${b.status === 'active' ? 'disable' : 'enable'}`)).then(onChange)}>{b.status === 'active' ? t('businesses.disable') : t('businesses.enable')}</Button>
          {trial.data?.state === 'trial' && <Button variant="secondary" disabled={action.busy} onClick={() => void action.run(() => api('POST', `/admin/businesses/${b.id}/trial/activate`)).then(trial.reload)}>{t('businesses.activatePlan')}</Button>}
          <Button variant="secondary" disabled={action.busy} onClick={() => void inviteOwner()}>{t('businesses.inviteOwner')}</Button>
          <Link className="inline-flex items-center rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-900 hover:bg-stone-100" to={`/admin/billing?business=${b.id}`}>{t('businesses.billing')}</Link>
        </div>
        {invite && <div className="mt-1 flex items-center gap-1"><code className="break-all text-xs" data-testid="invite-link">{invite}</code>{invite.startsWith('http') && <CopyButton text={invite} />}</div>}
        <ErrorBox error={action.error} />
      </Td>
    </tr>
  );
}

function CreateBusiness({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation('admin');
  const [form, setForm] = useState({ name: '', orgNumber: '', businessType: 'cafe', email: '' });
  const action = useAction();
  const [created, setCreated] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  async function submit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    const b = await action.run(() => api<Business>('POST', '/admin/businesses', { body: form }));
    if (b) {
      setCreated(t('businesses.created', { name: b.name, at: formatDateTime(b.createdAt) }));
      setForm({ name: '', orgNumber: '', businessType: 'cafe', email: '' });
      onCreated();
    }
  }
  const orgError = action.error instanceof ApiError && (action.error.code === 'invalid_org_number' || action.error.code === 'org_number_taken') ? t(`businesses.errors.${action.error.code}`) : undefined;
  return (
    <Card title={t('businesses.new')} className="mb-6">
      <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-start">
        <Field label={t('businesses.name')} value={form.name} onChange={set('name')} required />
        <Field label={t('businesses.orgNumber')} hint={t('businesses.orgHint')} error={orgError} value={form.orgNumber} onChange={set('orgNumber')} required />
        <Select label={t('businesses.type')} value={form.businessType} onChange={set('businessType')}>
          {TYPES.map((ty) => <option key={ty} value={ty}>{t(`businesses.types.${ty}`)}</option>)}
        </Select>
        <Field label={t('businesses.email')} type="email" value={form.email} onChange={set('email')} required />
        <div className="lg:pt-6"><Button type="submit" disabled={action.busy || !form.name || !form.orgNumber || !form.email}>{t('console:create')}</Button></div>
      </form>
      {!orgError && <ErrorBox error={action.error} />}
      {created && <p role="status" className="mt-2 text-sm text-teal-800">{created}</p>}
    </Card>
  );
}
