import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { useBusiness } from '../BusinessContext';
import { saveDownload } from '../common/download';
import { formatDateTime, formatMoney, timeUntil } from '../common/format';
import { uploadFile } from '../common/upload';
import { Badge, Button, Card, Empty, ErrorBox, Loaded, PageHeader, Table, Td } from '../common/ui';
import { useAction, useApi } from '../common/useApi';
import { useLocationNames } from './useLocations';

interface Claim {
  id: string;
  locationId: string;
  amountMinor: number;
  purchasedAt: string;
  status: 'pending' | 'verified' | 'rejected';
  verifiedAmountMinor: number | null;
  deadlineAt: string;
  remindersSent?: number;
}
interface ImportSummary {
  verified: number;
  rejected: number;
  unchanged: number;
  errors: { line: number; message: string }[];
}

/** Store-code claims: check them against the till (export → mark → import) before the deadline. */
export function VerificationPage() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const [status, setStatus] = useState<'pending' | 'verified' | 'rejected'>('pending');
  const res = useApi<{ items: Claim[] }>(`${base}/store-claims`, { status });
  const names = useLocationNames();
  const action = useAction();
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  async function importFile(file: File) {
    setSummary(null);
    const result = await action.run(() => uploadFile<ImportSummary>(`${base}/store-claims/import`, file));
    if (result) {
      setSummary(result);
      res.reload();
    }
    if (fileRef.current) fileRef.current.value = '';
  }
  async function decide(id: string, decision: 'verified' | 'rejected') {
    if (await action.run(() => api('POST', `${base}/store-claims/${id}/decision`, { body: { status: decision } }))) res.reload();
  }
  const pending = res.data?.items.filter((c) => c.status === 'pending') ?? [];
  const next = pending.map((c) => c.deadlineAt).sort()[0];

  return (
    <>
      <PageHeader title={t('verification.title')}>
        <Button variant="secondary" onClick={() => void action.run(() => saveDownload(`${base}/store-claims/export.csv`, 'kvittra-verifiering.csv'))}>{t('verification.exportCsv')}</Button>
        <Button variant="secondary" onClick={() => void action.run(() => saveDownload(`${base}/store-claims/export.xlsx`, 'kvittra-verifiering.xlsx'))}>{t('verification.exportXlsx')}</Button>
        <label className="inline-flex cursor-pointer items-center rounded-md bg-teal-700 px-3 py-2 text-sm font-medium text-white focus-within:ring-2 focus-within:ring-teal-600 hover:bg-teal-800">
          {t('verification.import')}
          <input ref={fileRef} type="file" accept=".csv,.xlsx,text/csv" className="sr-only" onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])} />
        </label>
      </PageHeader>
      <p className="mb-4 max-w-3xl text-sm text-stone-700">{t('verification.intro')}</p>
      {next && status === 'pending' && <Countdown deadline={next} count={pending.length} />}
      <ErrorBox error={action.error} />
      {summary && (
        <Card title={t('verification.imported')} className="mb-4">
          <p className="text-sm" role="status">{t('verification.summary', { verified: summary.verified, rejected: summary.rejected, unchanged: summary.unchanged })}</p>
          {summary.errors.length > 0 && <ul className="mt-2 list-disc pl-5 text-sm text-red-800">{summary.errors.map((e) => <li key={e.line}>{t('verification.lineError', { line: e.line, message: e.message })}</li>)}</ul>}
        </Card>
      )}
      <Card actions={
        <div role="tablist" aria-label={t('verification.filter')} className="flex gap-1">
          {(['pending', 'verified', 'rejected'] as const).map((s) => (
            <Button key={s} role="tab" aria-selected={status === s} variant={status === s ? 'primary' : 'secondary'} onClick={() => setStatus(s)}>{t(`verification.status.${s}`)}</Button>
          ))}
        </div>
      }>
        <Loaded res={res}>
          {(d) => d.items.length === 0 ? <Empty>{t('verification.none')}</Empty> : (
            <Table caption={t('verification.title')} head={[t('verification.purchased'), t('verification.location'), t('verification.amount'), t('verification.deadline'), t('console:status'), t('console:actions')]}>
              {d.items.map((c) => (
                <tr key={c.id}>
                  <Td>{formatDateTime(c.purchasedAt)}</Td>
                  <Td>{names(c.locationId)}</Td>
                  <Td className="tabular-nums">{formatMoney(c.amountMinor)}{c.verifiedAmountMinor !== null && c.verifiedAmountMinor !== c.amountMinor ? ` → ${formatMoney(c.verifiedAmountMinor)}` : ''}</Td>
                  <Td>{formatDateTime(c.deadlineAt)}</Td>
                  <Td><Badge tone={c.status === 'verified' ? 'good' : c.status === 'rejected' ? 'bad' : 'warn'}>{t(`verification.status.${c.status}`)}</Badge></Td>
                  <Td>
                    {c.status === 'pending' && (
                      <div className="flex gap-1">
                        <Button variant="secondary" disabled={action.busy} onClick={() => void decide(c.id, 'verified')}>{t('verification.approve')}</Button>
                        <Button variant="secondary" disabled={action.busy} onClick={() => void decide(c.id, 'rejected')}>{t('verification.reject')}</Button>
                      </div>
                    )}
                  </Td>
                </tr>
              ))}
            </Table>
          )}
        </Loaded>
      </Card>
    </>
  );
}

function Countdown({ deadline, count }: { deadline: string; count: number }) {
  const { t } = useTranslation('business');
  const left = timeUntil(deadline);
  const urgent = left.passed || left.days < 3;
  return (
    <div role="status" className={`mb-4 rounded-lg border p-4 ${urgent ? 'border-amber-400 bg-amber-50' : 'border-teal-200 bg-teal-50'}`} data-testid="deadline-countdown">
      <p className="font-semibold">{left.passed ? t('verification.overdue') : t('verification.countdown', { days: left.days, hours: left.hours })}</p>
      <p className="text-sm">{t('verification.countdownDetail', { count, at: formatDateTime(deadline) })}</p>
    </div>
  );
}
