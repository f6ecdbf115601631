import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../lib/Button';
import { Field } from '../../lib/Field';
import { ErrorMessage } from '../../lib/ErrorMessage';
import { Step } from '../Layout';
import { looksLikeSwedishMobile } from '../format';

/** The Swish number the reward is paid to; the server normalises it to +467… and stores it encrypted. */
export function PayoutStep({ error, busy, onSubmit }: { error: string | null; busy: boolean; onSubmit: (phone: string) => void }) {
  const { t } = useTranslation('customer');
  const [phone, setPhone] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!looksLikeSwedishMobile(phone)) return setInvalid(true);
    setInvalid(false);
    onSubmit(phone.trim());
  };
  return (
    <Step name="payout" title={t('payout.title')}>
      <form noValidate onSubmit={submit} className="flex flex-col gap-4">
        <Field label={t('payout.label')} hint={t('payout.hint')} error={invalid ? t('payout.invalid') : undefined} value={phone} onChange={(e) => setPhone(e.target.value)} type="tel" autoComplete="tel" name="phone" required />
        {error ? <ErrorMessage testId="error">{error}</ErrorMessage> : null}
        <Button type="submit" block busy={busy}>
          {t('payout.submit')}
        </Button>
      </form>
    </Step>
  );
}
