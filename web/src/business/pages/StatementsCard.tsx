import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBusiness } from '../BusinessContext';
import { saveDownload } from '../common/download';
import { formatBps, formatDate, formatDateTime, formatMoney, formatNumber, stockholmMonth } from '../common/format';
import { items, num, str, type Json } from '../common/pick';
import { Badge, Button, Card, Empty, ErrorBox, Loaded, Table, Td } from '../common/ui';
import { useAction, useApi } from '../common/useApi';

interface Statement {
  month: string;
  periodStart: string;
  periodEnd: string;
  rewardCount: number;
  reversalCount: number;
  rewardsMinor: number;
  reversalsMinor: number;
  netRewardsMinor: number;
  commissionBps: number;
  commissionMinor: number;
  vatBps: number;
  vatMinor: number;
  totalDueMinor: number;
}

/** One month's statement with its CSV and PDF (rewards − reversals, commission, VAT on the commission). */
export function StatementsCard() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const [month, setMonth] = useState(stockholmMonth());
  const res = useApi<Statement>(`${base}/statements/${month}`);
  const action = useAction();
  const file = (ext: 'csv' | 'pdf') => action.run(() => saveDownload(`${base}/statements/${month}/statement.${ext}`, `kvittra-specifikation-${month}.${ext}`));
  return (
    <Card
      title={t('rewards.statements')}
      actions={
        <div className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col text-xs text-stone-700">
            {t('rewards.month')}
            <input type="month" className="rounded-md border border-stone-300 px-2 py-1.5 text-sm" value={month} max={stockholmMonth()} onChange={(e) => e.target.value && setMonth(e.target.value)} />
          </label>
          <Button variant="secondary" onClick={() => void file('pdf')}>{t('rewards.pdf')}</Button>
          <Button variant="secondary" onClick={() => void file('csv')}>{t('rewards.csv')}</Button>
        </div>
      }
    >
      <ErrorBox error={action.error} />
      <Loaded res={res}>
        {(s) => (
          <dl className="grid max-w-xl grid-cols-[1fr_auto] gap-x-6 gap-y-1 text-sm">
            <dt>{t('rewards.rewardsLine', { count: s.rewardCount })}</dt><dd className="text-right tabular-nums">{formatMoney(s.rewardsMinor)}</dd>
            <dt>{t('rewards.reversalsLine', { count: s.reversalCount })}</dt><dd className="text-right tabular-nums">{s.reversalsMinor > 0 ? `−${formatMoney(s.reversalsMinor)}` : formatMoney(0)}</dd>
            <dt className="font-medium">{t('rewards.net')}</dt><dd className="text-right font-medium tabular-nums">{formatMoney(s.netRewardsMinor)}</dd>
            <dt>{t('rewards.commissionLine', { rate: formatBps(s.commissionBps) })}</dt><dd className="text-right tabular-nums">{formatMoney(s.commissionMinor)}</dd>
            <dt>{t('rewards.vatLine', { rate: formatBps(s.vatBps) })}</dt><dd className="text-right tabular-nums">{formatMoney(s.vatMinor)}</dd>
            <dt className="border-t border-stone-200 pt-1 font-semibold">{t('rewards.totalDue')}</dt><dd className="border-t border-stone-200 pt-1 text-right font-semibold tabular-nums">{formatMoney(s.totalDueMinor)}</dd>
            <dt className="text-xs text-stone-600">{t('rewards.period')}</dt><dd className="text-right text-xs text-stone-600">{formatDate(s.periodStart)} – {formatDate(s.periodEnd)}</dd>
          </dl>
        )}
      </Loaded>
    </Card>
  );
}

/** Rewards paid to this business's customers, by payout. */
export function PayoutsCard() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const res = useApi<Json>(`${base}/rewards/payouts`, { limit: 100 });
  return (
    <Card title={t('rewards.payouts')}>
      <Loaded res={res}>
        {(d) => {
          const rows = items(d);
          if (rows.length === 0) return <Empty />;
          return (
            <Table caption={t('rewards.payouts')} head={[t('rewards.date'), t('rewards.amount'), t('rewards.count'), t('console:status')]}>
              {rows.map((p, i) => (
                <tr key={str(p, 'id') ?? i}>
                  <Td>{formatDateTime(str(p, 'paidAt', 'createdAt', 'date'))}</Td>
                  <Td className="tabular-nums">{formatMoney(num(p, 'amountMinor', 'totalMinor'))}</Td>
                  <Td>{formatNumber(num(p, 'rewardCount', 'count', 'payoutCount'))}</Td>
                  <Td><Badge tone={str(p, 'status') === 'paid' ? 'good' : str(p, 'status') === 'failed' ? 'bad' : 'neutral'}>{t(`rewards.payoutStatus.${str(p, 'status') ?? 'pending'}`, { defaultValue: str(p, 'status') ?? '' })}</Badge></Td>
                </tr>
              ))}
            </Table>
          );
        }}
      </Loaded>
    </Card>
  );
}
