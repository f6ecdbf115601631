import { useTranslation } from 'react-i18next';
import { useBusiness } from '../BusinessContext';
import { Loaded, PageHeader } from '../common/ui';
import { useApi } from '../common/useApi';
import { RewardSettingsForm, type BusinessSettings } from './RewardSettingsForm';
import { RewardCeilingsCard, type RewardCeilings } from './RewardCeilingsCard';
import { PayoutsCard, StatementsCard } from './StatementsCard';

/** The platform's ceilings; tier rates, caps and budgets inside them; what was paid; monthly statements (rewards + commission + VAT). */
export function RewardsPage() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const settings = useApi<BusinessSettings>(`${base}/settings`);
  const ceilings = useApi<RewardCeilings>(`${base}/reward-ceilings`);
  return (
    <>
      <PageHeader title={t('rewards.title')} />
      <div className="flex flex-col gap-6">
        <Loaded res={ceilings}>{(c) => <RewardCeilingsCard limits={c} />}</Loaded>
        <Loaded res={settings}>{(s) => <RewardSettingsForm settings={s} ceilings={ceilings.data?.ceilings ?? null} onSaved={settings.reload} />}</Loaded>
        <StatementsCard />
        <PayoutsCard />
      </div>
    </>
  );
}
