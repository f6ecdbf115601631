import { useTranslation } from 'react-i18next';
import { useBusiness } from '../BusinessContext';
import { Loaded, PageHeader } from '../common/ui';
import { useApi } from '../common/useApi';
import { RewardSettingsForm, type BusinessSettings } from './RewardSettingsForm';
import { PayoutsCard, StatementsCard } from './StatementsCard';

/** Tier rates, caps and budgets; what was paid; monthly statements (rewards + commission + VAT). */
export function RewardsPage() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const settings = useApi<BusinessSettings>(`${base}/settings`);
  return (
    <>
      <PageHeader title={t('rewards.title')} />
      <div className="flex flex-col gap-6">
        <Loaded res={settings}>{(s) => <RewardSettingsForm settings={s} onSaved={settings.reload} />}</Loaded>
        <StatementsCard />
        <PayoutsCard />
      </div>
    </>
  );
}
