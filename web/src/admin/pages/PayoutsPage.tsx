import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { saveDownload } from '../../business/common/download';
import { formatDateTime, formatMoney } from '../../business/common/format';
import { PagedList } from '../../business/common/PagedList';
import { Badge, Button, Card, ErrorBox, PageHeader, Table, Td } from '../../business/common/ui';
import { useAction } from '../../business/common/useApi';
import { usePaged } from '../../business/common/usePaged';

interface Batch { id: string; status: string; totalMinor: number; payoutCount: number; createdAt: string; paidAt: string | null }

/** Weekly Swish batches: create from all balances, export the payment file, mark paid. */
export function PayoutsPage() {
  const { t } = useTranslation('admin');
  const list = usePaged<Batch>('/admin/payout-batches');
  const action = useAction();
  const [note, setNote] = useState<string | null>(null);
  async function create() {
    const b = await action.run(() => api<Batch>('POST', '/admin/payout-batches'));
    if (b) {
      setNote(t('payouts.created', { count: b.payoutCount, total: formatMoney(b.totalMinor) }));
      list.reload();
    }
  }
  async function markPaid(b: Batch) {
    const reference = window.prompt(t('payouts.reference')) ?? undefined;
    if (await action.run(() => api('POST', `/admin/payout-batches/${b.id}/mark-paid`, { body: reference ? { reference } : {} }))) list.reload();
  }
  return (
    <>
      <PageHeader title={t('payouts.title')}>
        <Button disabled={action.busy} onClick={() => void create()}>{t('payouts.create')}</Button>
      </PageHeader>
      <p className="mb-4 max-w-3xl text-sm text-stone-700">{t('payouts.intro')}</p>
      <p role="status" className="mb-2 text-sm text-teal-800">{note}</p>
      <ErrorBox error={action.error} />
      <Card>
        <PagedList list={list} empty={t('payouts.none')}>
          {(rows) => (
            <Table caption={t('payouts.title')} head={[t('payouts.createdAt'), t('payouts.payments'), t('payouts.total'), t('console:status'), t('payouts.paidAt'), t('console:actions')]}>
              {rows.map((b) => (
                <tr key={b.id}>
                  <Td>{formatDateTime(b.createdAt)}</Td>
                  <Td>{b.payoutCount}</Td>
                  <Td className="tabular-nums">{formatMoney(b.totalMinor)}</Td>
                  <Td><Badge tone={b.status === 'paid' ? 'good' : 'warn'}>{t(`payouts.status.${b.status}`, { defaultValue: b.status })}</Badge></Td>
                  <Td>{formatDateTime(b.paidAt)}</Td>
                  <Td>
                    <div className="flex flex-wrap gap-1">
                      <Button variant="secondary" onClick={() => void action.run(() => saveDownload(`/admin/payout-batches/${b.id}/export.csv`, `swish-${b.createdAt.slice(0, 10)}.csv`))}>{t('payouts.export')}</Button>
                      {b.status !== 'paid' && <Button variant="secondary" disabled={action.busy} onClick={() => void markPaid(b)}>{t('payouts.markPaid')}</Button>}
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
