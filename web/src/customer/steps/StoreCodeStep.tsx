import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../lib/Button';
import { Field } from '../../lib/Field';
import { ErrorMessage } from '../../lib/ErrorMessage';
import { Step } from '../Layout';
import { STORE_CODE_PATTERN } from '../format';

/** `/s`: the customer types the six-digit code shown at the till (shops without an integrated POS). */
export function StoreCodeStep({ initial, error, busy, onSubmit }: { initial: string; error: string | null; busy: boolean; onSubmit: (code: string) => void }) {
  const { t } = useTranslation('customer');
  const [code, setCode] = useState(initial);
  const [invalid, setInvalid] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const clean = code.replace(/\s/g, '');
    if (!STORE_CODE_PATTERN.test(clean)) return setInvalid(true);
    setInvalid(false);
    onSubmit(clean);
  };
  return (
    <Step name="store-code" title={t('storeCode.title')}>
      <p>{t('storeCode.intro')}</p>
      <form noValidate onSubmit={submit} className="flex flex-col gap-4">
        <Field label={t('storeCode.label')} hint={t('storeCode.hint')} error={invalid ? t('storeCode.invalid') : undefined} value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" autoComplete="off" maxLength={8} required />
        {error ? <ErrorMessage testId="error">{error}</ErrorMessage> : null}
        <Button type="submit" block busy={busy}>
          {t('storeCode.submit')}
        </Button>
      </form>
    </Step>
  );
}
