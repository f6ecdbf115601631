import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../lib/Button';
import { Field } from '../../lib/Field';
import { ErrorMessage } from '../../lib/ErrorMessage';
import { Step } from '../Layout';
import { AMOUNT_PATTERN, LAST4_PATTERN, TIME_PATTERN, looksLikeSwedishMobile, stockholmNowHHMM } from '../format';

export interface PurchaseInput {
  amount: string;
  time: string;
  cardLast4?: string;
  phone?: string;
}

type Problems = Partial<Record<keyof PurchaseInput, string>>;

/**
 * Amount and time of the purchase (defaults: time now). On the QR path the server matches them against
 * the POS (and asks for the card's last four digits when the POS sent them); on the store-code path the
 * customer adds a phone number and the shop checks later — also the way on when a QR match finds nothing.
 */
export function PurchaseStep({ storeCode, needsLast4, offerReport = false, error, busy, onSubmit }: { storeCode: boolean; needsLast4: boolean; offerReport?: boolean; error: string | null; busy: boolean; onSubmit: (input: PurchaseInput) => void }) {
  const { t } = useTranslation('customer');
  const [amount, setAmount] = useState('');
  const [time, setTime] = useState(stockholmNowHHMM);
  const [cardLast4, setCardLast4] = useState('');
  const [phone, setPhone] = useState('');
  const [problems, setProblems] = useState<Problems>({});

  const validate = (): Problems => {
    const p: Problems = {};
    if (!AMOUNT_PATTERN.test(amount)) p.amount = t('purchase.amountInvalid');
    if (!TIME_PATTERN.test(time)) p.time = t('purchase.timeInvalid');
    if (needsLast4 && !LAST4_PATTERN.test(cardLast4)) p.cardLast4 = t('purchase.cardLast4Invalid');
    if (storeCode && !looksLikeSwedishMobile(phone)) p.phone = t('payout.invalid');
    return p;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = validate();
    setProblems(p);
    if (Object.keys(p).length > 0) return;
    onSubmit({ amount: amount.trim(), time, ...(needsLast4 ? { cardLast4 } : {}), ...(storeCode ? { phone } : {}) });
  };

  return (
    <Step name="purchase" title={t('purchase.title')} progress={{ n: 2, total: 4 }}>
      <p>{storeCode ? t('purchase.introStore') : t('purchase.intro')}</p>
      <form noValidate onSubmit={submit} className="flex flex-col gap-4">
        <Field label={t('purchase.amount')} hint={t('purchase.amountHint')} error={problems.amount} value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" autoComplete="off" name="amount" required />
        <Field label={t('purchase.time')} hint={t('purchase.timeHint')} error={problems.time} value={time} onChange={(e) => setTime(e.target.value)} type="time" name="time" required />
        {needsLast4 ? (
          <Field label={t('purchase.cardLast4')} hint={t('purchase.cardLast4Hint')} error={problems.cardLast4} value={cardLast4} onChange={(e) => setCardLast4(e.target.value)} inputMode="numeric" maxLength={4} autoComplete="off" name="cardLast4" autoFocus required />
        ) : null}
        {storeCode ? (
          <Field label={t('purchase.phone')} hint={t('purchase.phoneHint')} error={problems.phone} value={phone} onChange={(e) => setPhone(e.target.value)} type="tel" autoComplete="tel" name="phone" required />
        ) : null}
        {error ? <ErrorMessage testId="error">{error}</ErrorMessage> : null}
        {offerReport ? (
          <a className="text-teal-800 underline" href="/s" data-testid="report-purchase">
            {t('purchase.report')}
          </a>
        ) : null}
        <Button type="submit" block busy={busy}>
          {storeCode ? t('purchase.submitStore') : t('purchase.submit')}
        </Button>
      </form>
    </Step>
  );
}
