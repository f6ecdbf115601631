import { useTranslation } from 'react-i18next';
import { formatBps, formatMoney } from '../common/format';
import { Card } from '../common/ui';

/** GET …/reward-ceilings: what Kvittra lets this business's reward settings promise, and how long self-keyed POS connections are reviewed. */
export interface RewardCeilings {
  ceilings: { maxBps: number; perRewardCapMinor: number; dailyBudgetRequiredAboveBps: number; maxDailyBudgetMinor: number };
  review: { newConnectionDays: number };
}

/** Explains the platform's limits in plain words: Kvittra pays the rewards out of its own account first, so it caps them. */
export function RewardCeilingsCard({ limits }: { limits: RewardCeilings }) {
  const { t } = useTranslation('business');
  const c = limits.ceilings;
  return (
    <Card title={t('rewards.ceilings.title')}>
      <div data-testid="reward-ceilings" className="flex max-w-3xl flex-col gap-2 text-sm text-stone-700">
        <p>{t('rewards.ceilings.why')}</p>
        <ul className="list-disc pl-5">
          <li>{t('rewards.ceilings.rate', { value: formatBps(c.maxBps) })}</li>
          <li>{t('rewards.ceilings.perReward', { value: formatMoney(c.perRewardCapMinor) })}</li>
          <li>{t('rewards.ceilings.budget', { above: formatBps(c.dailyBudgetRequiredAboveBps), max: formatMoney(c.maxDailyBudgetMinor) })}</li>
          <li>{t('rewards.ceilings.review', { days: limits.review.newConnectionDays })}</li>
        </ul>
        <p>{t('rewards.ceilings.billing')}</p>
      </div>
    </Card>
  );
}
