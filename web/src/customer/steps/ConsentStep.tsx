import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../lib/Button';
import { ErrorMessage } from '../../lib/ErrorMessage';
import type { Consent } from '../customer-api';
import { Step } from '../Layout';

/** The versioned GDPR consent from the server (GET /api/v1/consent), in the chosen language. */
export function ConsentStep({ consent, error, busy, onAccept }: { consent: Consent | null; error: string | null; busy: boolean; onAccept: () => void }) {
  const { t, i18n } = useTranslation('customer');
  const [checked, setChecked] = useState(false);
  const [missing, setMissing] = useState(false);
  const text = consent ? (i18n.language === 'en' ? consent.text.en : consent.text.sv) : t('consent.fallback');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!checked) return setMissing(true);
    onAccept();
  };
  return (
    <Step name="consent" title={t('consent.title')} progress={{ n: 1, total: 4 }}>
      <p data-testid="consent-text" className="text-sm leading-relaxed text-stone-800">
        {text}
      </p>
      {consent ? <p className="text-xs text-stone-600">{t('consent.version', { version: consent.version })}</p> : null}
      <form noValidate onSubmit={submit} className="flex flex-col gap-4">
        <label className="flex items-start gap-3">
          <input
            type="checkbox"
            className="mt-1 size-5 accent-teal-700"
            checked={checked}
            aria-invalid={missing || undefined}
            aria-describedby={missing ? 'consent-missing' : undefined}
            onChange={(e) => {
              setChecked(e.target.checked);
              setMissing(false);
            }}
          />
          <span>{t('consent.checkbox')}</span>
        </label>
        {missing ? (
          <p id="consent-missing" className="text-sm font-medium text-red-700">
            {t('consent.mustAccept')}
          </p>
        ) : null}
        {error ? <ErrorMessage testId="error">{error}</ErrorMessage> : null}
        <Button type="submit" block busy={busy}>
          {t('consent.accept')}
        </Button>
      </form>
    </Step>
  );
}
