import { useTranslation } from 'react-i18next';
import { Button } from '../../lib/Button';
import type { Completed } from '../customer-api';
import { Step } from '../Layout';
import { formatSek } from '../format';

const BREAKDOWN_KEYS = ['authenticity', 'concreteness', 'depth'] as const;

/** Score, tier and reward, with the server's own explanation of the amount and what made the feedback good. */
export function ResultStep({ result, needsPhone, onContinue }: { result: Completed; needsPhone: boolean; onContinue: () => void }) {
  const { t, i18n } = useTranslation('customer');
  const lang = i18n.language === 'en' ? 'en' : 'sv';
  const { reward } = result;
  const explanation = reward.explanation?.[lang];
  const reasons = (result.reasons ?? []).map((r) => r[lang]).filter(Boolean).slice(0, 4);
  return (
    <Step name="result" title={t('result.title')} progress={{ n: 4, total: 4 }}>
      <dl className="grid grid-cols-3 gap-2 text-center">
        <div className="rounded-lg bg-stone-100 p-3">
          <dt className="text-sm text-stone-700">{t('result.score')}</dt>
          <dd data-testid="score" className="text-2xl font-bold">
            {result.qualityScore ?? '–'}
          </dd>
        </div>
        <div className="rounded-lg bg-stone-100 p-3">
          <dt className="text-sm text-stone-700">{t('result.tier')}</dt>
          <dd data-testid="tier" className="text-xl font-bold">
            {t(`tiers.${result.tier}`, { defaultValue: result.tierLabel })}
          </dd>
        </div>
        <div className="rounded-lg bg-teal-50 p-3">
          <dt className="text-sm text-teal-900">{t('result.reward')}</dt>
          <dd data-testid="reward" className="text-xl font-bold text-teal-900">
            {formatSek(reward.amountMinor, lang)}
          </dd>
        </div>
      </dl>
      {explanation ? <p data-testid="reward-explanation">{explanation}</p> : null}
      <p data-testid="reward-status" className="text-sm text-stone-700">
        {reward.amountMinor > 0 ? t(`result.status.${reward.status}`, { defaultValue: '' }) : t('result.noReward')}
      </p>
      {result.breakdown ? (
        <ul className="flex flex-col gap-1 text-sm">
          {BREAKDOWN_KEYS.filter((k) => typeof result.breakdown?.[k] === 'number').map((k) => (
            <li key={k} className="flex justify-between border-b border-stone-100 py-1">
              <span>{t(`result.breakdown.${k}`)}</span>
              <span className="font-medium">{result.breakdown?.[k]}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {reasons.length > 0 ? (
        <div>
          <h2 className="font-semibold">{t('result.why')}</h2>
          <ul className="list-disc pl-5 text-sm">
            {reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <Button block onClick={onContinue}>
        {needsPhone ? t('result.continue') : t('result.done')}
      </Button>
    </Step>
  );
}
