import { useTranslation } from 'react-i18next';
import { Button } from '../../lib/Button';
import { Step } from '../Layout';
import { formatSek } from '../format';

export function ThanksStep({ paid, onAgain }: { paid: { amountMinor: number; phone: string } | null; onAgain: () => void }) {
  const { t, i18n } = useTranslation('customer');
  return (
    <Step name="thanks" title={t('thanks.title')}>
      <p>{t('thanks.body')}</p>
      {paid && paid.amountMinor > 0 ? <p data-testid="paid">{t('thanks.paid', { amount: formatSek(paid.amountMinor, i18n.language), phone: paid.phone })}</p> : null}
      <Button variant="secondary" block onClick={onAgain}>
        {t('thanks.again')}
      </Button>
    </Step>
  );
}
