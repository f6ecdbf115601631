import { useTranslation } from 'react-i18next';
import { Button } from '../../lib/Button';
import { ErrorMessage } from '../../lib/ErrorMessage';
import { Step } from '../Layout';

/** A dead end the customer cannot fix in place (unknown shop, expired session): explain, offer a restart. */
export function FatalStep({ message, onRestart }: { message: string; onRestart: () => void }) {
  const { t } = useTranslation(['customer', 'common']);
  return (
    <Step name="fatal" title={t('common:error')}>
      <ErrorMessage testId="error">{message}</ErrorMessage>
      <Button block onClick={onRestart}>
        {t('customer:restart')}
      </Button>
    </Step>
  );
}
