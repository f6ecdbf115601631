import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { formatDateTime } from '../../business/common/format';
import { PagedList } from '../../business/common/PagedList';
import { Badge, Button, Card, ErrorBox, Field, PageHeader, Select, Table, Td } from '../../business/common/ui';
import { useAction } from '../../business/common/useApi';
import { usePaged } from '../../business/common/usePaged';
import { ReasonAction } from '../ReasonAction';

interface Ban { id: string; kind: 'phone' | 'device' | 'ip'; reason: string; status: 'active' | 'lifted'; createdBy: string; createdAt: string; expiresAt: string | null }
interface Appeal { id: string; banId: string | null; ban: { kind: string; reason: string; status: string } | null; message: string; contact: string | null; status: 'pending' | 'upheld' | 'lifted'; decisionReason: string | null; createdAt: string }

/** Bans on a session's phone, device or IP, and the appeals customers send against them. */
export function BansPage() {
  const { t } = useTranslation('admin');
  const bans = usePaged<Ban>('/admin/bans', { status: 'active' });
  const appeals = usePaged<Appeal>('/admin/appeals', { status: 'pending' });
  return (
    <>
      <PageHeader title={t('bans.title')} />
      <NewBan onCreated={bans.reload} />
      <div className="flex flex-col gap-6">
        <Card title={t('bans.appeals')}>
          <PagedList list={appeals} empty={t('bans.noAppeals')}>
            {(rows) => (
              <Table caption={t('bans.appeals')} head={[t('bans.received'), t('bans.ban'), t('bans.message'), t('console:actions')]}>
                {rows.map((a) => (
                  <tr key={a.id}>
                    <Td>{formatDateTime(a.createdAt)}</Td>
                    <Td className="text-xs">{a.ban ? `${t(`bans.kinds.${a.ban.kind}`, { defaultValue: a.ban.kind })}: ${a.ban.reason}` : '–'}</Td>
                    <Td className="max-w-md whitespace-pre-wrap">{a.message}{a.contact && <p className="text-xs text-stone-600">{a.contact}</p>}</Td>
                    <Td>
                      <div className="flex flex-wrap gap-1">
                        <ReasonAction label={t('bans.lift')} variant="primary" onSubmit={(reason) => api('POST', `/admin/appeals/${a.id}/decision`, { body: { decision: 'lift', reason } })} onDone={() => { appeals.reload(); bans.reload(); }} />
                        <ReasonAction label={t('bans.uphold')} onSubmit={(reason) => api('POST', `/admin/appeals/${a.id}/decision`, { body: { decision: 'uphold', reason } })} onDone={appeals.reload} />
                      </div>
                    </Td>
                  </tr>
                ))}
              </Table>
            )}
          </PagedList>
        </Card>
        <Card title={t('bans.active')}>
          <PagedList list={bans} empty={t('bans.none')}>
            {(rows) => (
              <Table caption={t('bans.active')} head={[t('bans.kind'), t('bans.reason'), t('bans.created'), t('bans.expires'), t('console:status'), t('console:actions')]}>
                {rows.map((b) => (
                  <tr key={b.id}>
                    <Td>{t(`bans.kinds.${b.kind}`)}</Td>
                    <Td>{b.reason}</Td>
                    <Td>{formatDateTime(b.createdAt)}<p className="text-xs text-stone-600">{b.createdBy}</p></Td>
                    <Td>{b.expiresAt ? formatDateTime(b.expiresAt) : t('bans.never')}</Td>
                    <Td><Badge tone={b.status === 'active' ? 'bad' : 'neutral'}>{t(`bans.status.${b.status}`)}</Badge></Td>
                    <Td>{b.status === 'active' && <ReasonAction label={t('bans.lift')} onSubmit={(reason) => api('POST', `/admin/bans/${b.id}/lift`, { body: { reason } })} onDone={bans.reload} />}</Td>
                  </tr>
                ))}
              </Table>
            )}
          </PagedList>
        </Card>
      </div>
    </>
  );
}

function NewBan({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation('admin');
  const [form, setForm] = useState({ kind: 'phone', sessionId: '', reason: '' });
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await action.run(() => api('POST', '/admin/bans', { body: { kind: form.kind, sessionId: form.sessionId.trim(), reason: form.reason.trim() } }))) {
      setForm({ kind: 'phone', sessionId: '', reason: '' });
      onCreated();
    }
  }
  return (
    <Card title={t('bans.new')} className="mb-6">
      <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-[auto_1fr_1fr_auto] sm:items-end">
        <Select label={t('bans.kind')} value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
          {(['phone', 'device', 'ip'] as const).map((k) => <option key={k} value={k}>{t(`bans.kinds.${k}`)}</option>)}
        </Select>
        <Field label={t('bans.sessionId')} hint={t('bans.sessionHint')} value={form.sessionId} onChange={(e) => setForm({ ...form, sessionId: e.target.value })} />
        <Field label={t('bans.reason')} value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
        <Button type="submit" variant="danger" disabled={action.busy || form.reason.trim().length < 3 || !form.sessionId.trim()}>{t('bans.create')}</Button>
      </form>
      <ErrorBox error={action.error} />
    </Card>
  );
}
