import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { formatDateTime, formatMoney } from '../../business/common/format';
import { PagedList } from '../../business/common/PagedList';
import { asObj, num } from '../../business/common/pick';
import { Button, Card, ErrorBox, Field, PageHeader, Table, Td } from '../../business/common/ui';
import { useAction } from '../../business/common/useApi';
import { usePaged } from '../../business/common/usePaged';

interface Override { id: string; sessionId: string; businessId: string; previousScore: number | null; score: number; reason: string; actor: string; createdAt: string }

/** Correct a session's quality score; the reward is recomputed and the change is audited with its reason. */
export function ScoreOverridesPage() {
  const { t } = useTranslation('admin');
  const list = usePaged<Override>('/admin/score-overrides');
  return (
    <>
      <PageHeader title={t('overrides.title')} />
      <OverrideForm onDone={list.reload} />
      <Card title={t('overrides.history')}>
        <PagedList list={list} empty={t('overrides.none')}>
          {(rows) => (
            <Table caption={t('overrides.history')} head={[t('overrides.when'), t('overrides.session'), t('overrides.change'), t('overrides.reason'), t('overrides.by')]}>
              {rows.map((o) => (
                <tr key={o.id}>
                  <Td>{formatDateTime(o.createdAt)}</Td>
                  <Td className="font-mono text-xs">{o.sessionId}</Td>
                  <Td>{o.previousScore ?? '–'} → <strong>{o.score}</strong></Td>
                  <Td>{o.reason}</Td>
                  <Td className="text-xs">{o.actor}</Td>
                </tr>
              ))}
            </Table>
          )}
        </PagedList>
      </Card>
    </>
  );
}

function OverrideForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation('admin');
  const [form, setForm] = useState({ sessionId: '', score: '', reason: '' });
  const [result, setResult] = useState<string | null>(null);
  const action = useAction();
  const score = Number(form.score);
  const valid = /^[0-9a-f-]{36}$/i.test(form.sessionId.trim()) && form.score !== '' && Number.isInteger(score) && score >= 0 && score <= 100 && form.reason.trim().length >= 3;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setResult(null);
    const r = await action.run(() => api<{ previousScore: number | null; score: number; reward: unknown }>('POST', `/admin/feedback-sessions/${form.sessionId.trim()}/score-override`, { body: { score, reason: form.reason.trim() } }));
    if (r) {
      const amount = num(asObj(r.reward), 'amountMinor');
      setResult(t('overrides.done', { from: r.previousScore ?? '–', to: r.score, reward: amount === null ? '–' : formatMoney(amount) }));
      setForm({ sessionId: '', score: '', reason: '' });
      onDone();
    }
  }
  return (
    <Card title={t('overrides.new')} className="mb-6">
      <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-[2fr_auto_2fr_auto] sm:items-end">
        <Field label={t('overrides.session')} value={form.sessionId} onChange={(e) => setForm({ ...form, sessionId: e.target.value })} />
        <Field label={t('overrides.score')} type="number" min={0} max={100} value={form.score} onChange={(e) => setForm({ ...form, score: e.target.value })} />
        <Field label={t('overrides.reason')} hint={t('overrides.reasonHint')} value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} required />
        <Button type="submit" disabled={action.busy || !valid}>{t('overrides.save')}</Button>
      </form>
      <ErrorBox error={action.error} />
      {result && <p role="status" className="mt-2 text-sm text-teal-800">{result}</p>}
    </Card>
  );
}
