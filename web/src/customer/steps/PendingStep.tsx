import { useTranslation } from 'react-i18next';
import { Button } from '../../lib/Button';
import { Step } from '../Layout';
import { formatDateTime } from '../format';

/** Store-code path: the claim is registered and waits for the shop's review; feedback can be given now. */
export function PendingStep({ deadlineAt, onContinue }: { deadlineAt: string; onContinue: () => void }) {
  const { t, i18n } = useTranslation('customer');
  return (
    <Step name="pending" title={t('pending.title')}>
      <p data-testid="pending-body">{t('pending.body', { deadline: formatDateTime(deadlineAt, i18n.language) })}</p>
      <Button block onClick={onContinue}>
        {t('storeCode.submit')}
      </Button>
    </Step>
  );
}
