import { useTranslation } from 'react-i18next';
import { Button } from '../../lib/Button';
import { Notice } from '../../lib/ErrorMessage';
import type { PublicLocation } from '../customer-api';
import { Step } from '../Layout';

/** Confirms the customer is at the right place before anything is asked of them. */
export function ShopStep({ location, onStart }: { location: PublicLocation; onStart: () => void }) {
  const { t } = useTranslation('customer');
  return (
    <Step name="shop" title={location.businessName}>
      <p className="text-sm text-stone-600">
        {t('shop.youAreAt')} <span data-testid="location-name">{location.locationName}</span>
      </p>
      <p>{t('shop.how')}</p>
      {location.rewardsAvailable === false ? <Notice testId="no-rewards">{t('shop.noRewards')}</Notice> : null}
      <Button block onClick={onStart}>
        {t('shop.start')}
      </Button>
    </Step>
  );
}
