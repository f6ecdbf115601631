import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { useBusiness } from '../BusinessContext';
import { formatBps, formatMoney } from '../common/format';
import type { RewardCeilings } from './RewardCeilingsCard';
import { Button, Card, ErrorBox, Field, SavedNote, Table, Td } from '../common/ui';
import { useAction } from '../common/useApi';

export interface Tier {
  name: string;
  labelSv: string;
  minScore: number;
  maxScore: number;
  minBps: number;
  maxBps: number;
}
export interface RewardSettings {
  tiers: Tier[];
  maxBps: number;
  perRewardCapMinor: number;
  minPurchaseMinor: number;
  highPurchaseThresholdMinor: number;
  highPurchaseMaxBps: number;
  dailyBudgetMinor: number | null;
  monthlyBudgetMinor: number | null;
  perCustomerDailyCapMinor: number;
  minPayoutMinor: number;
}
export interface BusinessSettings {
  rewards: RewardSettings;
  context: { sells: string; staffNames: string[]; knownIssues: string; campaigns: string };
  languages: ('sv' | 'en')[];
  storeReview: { deadlineDays: number; reminderDaysBefore: number[]; defaultAction: 'reject' | 'approve' };
}

const kr = (minor: number | null) => (minor === null ? '' : String(minor / 100));
const pct = (bps: number) => String(bps / 100);
const toMinor = (s: string) => Math.round(Number(s.replace(',', '.')) * 100);
const toBps = (s: string) => Math.round(Number(s.replace(',', '.')) * 100);

type Caps = Record<'maxPct' | 'perRewardCap' | 'minPurchase' | 'highThreshold' | 'highMaxPct' | 'dailyBudget' | 'monthlyBudget' | 'perCustomerDaily', string>;

/**
 * Tier rates and caps, edited in kronor and percent, stored in öre and basis points; the server validates the
 * whole set against the platform's ceilings (shown as hints). Commission and VAT are not the business's to set.
 */
export function RewardSettingsForm({ settings, ceilings, onSaved }: { settings: BusinessSettings; ceilings: RewardCeilings['ceilings'] | null; onSaved: () => void }) {
  const { t } = useTranslation('business');
  const { base, isOwner } = useBusiness();
  const r = settings.rewards;
  const [tiers, setTiers] = useState(r.tiers.map((x) => ({ ...x, minPct: pct(x.minBps), maxPct: pct(x.maxBps) })));
  const [caps, setCaps] = useState<Caps>({ maxPct: pct(r.maxBps), perRewardCap: kr(r.perRewardCapMinor), minPurchase: kr(r.minPurchaseMinor), highThreshold: kr(r.highPurchaseThresholdMinor), highMaxPct: pct(r.highPurchaseMaxBps), dailyBudget: kr(r.dailyBudgetMinor), monthlyBudget: kr(r.monthlyBudgetMinor), perCustomerDaily: kr(r.perCustomerDailyCapMinor) });
  const [saved, setSaved] = useState(false);
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const rewards = {
      tiers: tiers.map(({ minPct, maxPct, ...tier }) => ({ ...tier, minScore: Number(tier.minScore), maxScore: Number(tier.maxScore), minBps: toBps(minPct), maxBps: toBps(maxPct) })),
      maxBps: toBps(caps.maxPct),
      perRewardCapMinor: toMinor(caps.perRewardCap),
      minPurchaseMinor: toMinor(caps.minPurchase),
      highPurchaseThresholdMinor: toMinor(caps.highThreshold),
      highPurchaseMaxBps: toBps(caps.highMaxPct),
      dailyBudgetMinor: caps.dailyBudget.trim() ? toMinor(caps.dailyBudget) : null,
      monthlyBudgetMinor: caps.monthlyBudget.trim() ? toMinor(caps.monthlyBudget) : null,
      perCustomerDailyCapMinor: toMinor(caps.perCustomerDaily),
    };
    if (await action.run(() => api('PATCH', `${base}/settings`, { body: { rewards } }))) {
      setSaved(true);
      onSaved();
    }
  }
  const setTier = (i: number, k: string, v: string) => setTiers(tiers.map((x, j) => (j === i ? { ...x, [k]: v } : x)));
  const capField = (k: keyof Caps, unit: 'kr' | '%', hint?: string) => (
    <Field label={`${t(`rewards.caps.${k}`)} (${unit})`} hint={hint} inputMode="decimal" value={caps[k]} disabled={!isOwner} onChange={(e) => setCaps({ ...caps, [k]: e.target.value })} />
  );
  return (
    <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-6">
      <Card title={t('rewards.tiers')}>
        <Table caption={t('rewards.tiers')} head={[t('rewards.tier'), t('rewards.scoreFrom'), t('rewards.scoreTo'), t('rewards.rateFrom'), t('rewards.rateTo')]}>
          {tiers.map((tier, i) => (
            <tr key={tier.name}>
              <Td>{tier.labelSv}</Td>
              {(['minScore', 'maxScore', 'minPct', 'maxPct'] as const).map((k) => (
                <Td key={k}>
                  <input aria-label={`${tier.labelSv} ${t(`rewards.${k === 'minScore' ? 'scoreFrom' : k === 'maxScore' ? 'scoreTo' : k === 'minPct' ? 'rateFrom' : 'rateTo'}`)}`} className="w-20 rounded border border-stone-300 px-2 py-1" inputMode="decimal" disabled={!isOwner} value={String(tier[k])} onChange={(e) => setTier(i, k, e.target.value)} />
                </Td>
              ))}
            </tr>
          ))}
        </Table>
        <p className="mt-2 text-xs text-stone-600">{t('rewards.tiersHint')}</p>
      </Card>
      <Card title={t('rewards.capsTitle')}>
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {capField('maxPct', '%', ceilings ? t('rewards.atMost', { value: formatBps(ceilings.maxBps) }) : undefined)}
          {capField('perRewardCap', 'kr', ceilings ? t('rewards.atMost', { value: formatMoney(ceilings.perRewardCapMinor) }) : undefined)}
          {capField('minPurchase', 'kr')}
          {capField('perCustomerDaily', 'kr')}
          {capField('highThreshold', 'kr')}
          {capField('highMaxPct', '%')}
          {capField('dailyBudget', 'kr', ceilings ? t('rewards.dailyBudgetHint', { above: formatBps(ceilings.dailyBudgetRequiredAboveBps), max: formatMoney(ceilings.maxDailyBudgetMinor) }) : t('rewards.emptyUnlimited'))}
          {capField('monthlyBudget', 'kr', t('rewards.emptyUnlimited'))}
        </div>
        <p className="mt-3 text-sm text-stone-700">{t('rewards.minPayout', { minPayout: formatMoney(r.minPayoutMinor) })}</p>
      </Card>
      <ErrorBox error={action.error} />
      {isOwner ? (
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={action.busy}>{t('console:save')}</Button>
          <SavedNote show={saved} />
        </div>
      ) : (
        <p className="text-sm text-stone-600">{t('ownerOnly')}</p>
      )}
    </form>
  );
}
