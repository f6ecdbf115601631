import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { formatDateTime, formatMoney, formatNumber } from '../../business/common/format';
import { PagedList } from '../../business/common/PagedList';
import { asObj, arr, num, str } from '../../business/common/pick';
import { Card, PageHeader, Table, Td } from '../../business/common/ui';
import { usePaged } from '../../business/common/usePaged';
import { ReasonAction } from '../ReasonAction';

interface HeldReward { id: string; sessionId: string; businessId: string; amountMinor: number; tier: string; createdAt: string; details: unknown; risk: { score: number | null; details: unknown } | null }

/** Rewards the fraud checks or the money-review rules held back: approve (pays out) or reject, each with a written reason. */
export function FraudPage() {
  const { t, i18n } = useTranslation('admin');
  const list = usePaged<HeldReward>('/admin/rewards', { status: 'held' });
  return (
    <>
      <PageHeader title={t('fraud.title')} />
      <p className="mb-4 max-w-3xl text-sm text-stone-700">{t('fraud.intro')}</p>
      <Card>
        <PagedList list={list} empty={t('fraud.none')}>
          {(rows) => (
            <Table caption={t('fraud.title')} head={[t('fraud.created'), t('fraud.amount'), t('fraud.risk'), t('fraud.signals'), t('console:actions')]}>
              {rows.map((r) => {
                const details = asObj(r.risk?.details);
                // Each reason carries its own Swedish and English text from the fraud module.
                const signals = arr(details, 'reasons', 'signals').map((s) => str(asObj(s.reason), i18n.language, 'sv') ?? str(s, 'code') ?? '').filter(Boolean);
                // Money review (new self-keyed connection, large reward, connection velocity), stored on the reward.
                const review = arr(asObj(r.details), 'review').map((f) => str(asObj(f.reason), i18n.language, 'sv') ?? str(f, 'code') ?? '').filter(Boolean);
                return (
                  <tr key={r.id} data-testid="held-reward">
                    <Td>{formatDateTime(r.createdAt)}<p className="font-mono text-xs text-stone-500">{r.sessionId}</p></Td>
                    <Td className="tabular-nums">{formatMoney(r.amountMinor)}</Td>
                    <Td>{formatNumber(r.risk?.score ?? num(details, 'score'))}</Td>
                    <Td className="text-xs">
                      {signals.join(' · ') || (review.length === 0 ? '–' : null)}
                      {review.length > 0 && <p data-testid="money-review">{t('fraud.moneyReview')}: {review.join(' · ')}</p>}
                    </Td>
                    <Td>
                      <div className="flex flex-wrap gap-1">
                        <ReasonAction label={t('fraud.approve')} variant="primary" onSubmit={(reason) => api('POST', `/admin/rewards/${r.id}/approve`, { body: { reason } })} onDone={list.reload} />
                        <ReasonAction label={t('fraud.reject')} variant="danger" onSubmit={(reason) => api('POST', `/admin/rewards/${r.id}/reject`, { body: { reason } })} onDone={list.reload} />
                      </div>
                    </Td>
                  </tr>
                );
              })}
            </Table>
          )}
        </PagedList>
      </Card>
    </>
  );
}
