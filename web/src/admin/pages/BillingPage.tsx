import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../../lib/api';
import { formatBps } from '../../business/common/format';
import { Badge, Button, Card, ErrorBox, Field, Loaded, PageHeader, SavedNote, Select } from '../../business/common/ui';
import { useAction, useApi } from '../../business/common/useApi';

/** GET/PATCH /admin/businesses/:id/billing (operator only). */
interface Billing {
  businessId: string;
  source: 'business' | 'platform';
  vatBps: number;
  commissionBps: number;
  commissionTiers: { fromMinor: number; bps: number }[];
  ceilings: { maxBps: number; perRewardCapMinor: number; dailyBudgetRequiredAboveBps: number; maxDailyBudgetMinor: number };
  review: { newConnectionDays: number; holdRewardAboveMinor: number; velocityMaxRewards: number; velocityWindowMinutes: number };
  ownerSettingsBeyondCeilings: { path: string; message: string }[];
}
interface Business { id: string; name: string; orgNumber: string }

const pct = (bps: number) => String(bps / 100);
const kr = (minor: number) => String(minor / 100);
const toBps = (s: string) => Math.round(Number(s.replace(',', '.')) * 100);
const toMinor = (s: string) => Math.round(Number(s.replace(',', '.')) * 100);
const int = (s: string) => Number(s);

/** Commission, VAT, reward ceilings and money-review rules: operator-only, every change audited with old and new values. */
export function BillingPage() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const businessId = params.get('business');
  const businesses = useApi<{ items: Business[] }>('/admin/businesses', { limit: 200 });
  return (
    <>
      <PageHeader title={t('billing.title')} />
      <p className="mb-4 max-w-3xl text-sm text-stone-700">{t('billing.intro')}</p>
      <div className="flex flex-col gap-6">
        <PlatformVat />
        <Card title={t('billing.business')}>
          <Select label={t('billing.pick')} value={businessId ?? ''} onChange={(e) => setParams(e.target.value ? { business: e.target.value } : {})}>
            <option value="">–</option>
            {(businesses.data?.items ?? []).map((b) => <option key={b.id} value={b.id}>{b.name} ({b.orgNumber})</option>)}
          </Select>
        </Card>
        {businessId && <BusinessBilling key={businessId} businessId={businessId} />}
      </div>
    </>
  );
}

function PlatformVat() {
  const { t } = useTranslation('admin');
  const res = useApi<{ vatBps: number }>('/admin/platform/billing');
  const [vat, setVat] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    if (vat !== null && (await action.run(() => api('PATCH', '/admin/platform/billing', { body: { vatBps: toBps(vat) } })))) {
      setSaved(true);
      res.reload();
    }
  }
  return (
    <Card title={t('billing.platform')}>
      <Loaded res={res}>
        {(d) => (
          <form onSubmit={(e) => void submit(e)} className="flex flex-wrap items-end gap-3">
            <Field label={t('billing.vat')} hint={t('billing.vatHint')} inputMode="decimal" value={vat ?? pct(d.vatBps)} onChange={(e) => setVat(e.target.value)} />
            <Button type="submit" disabled={action.busy || vat === null}>{t('console:save')}</Button>
            <SavedNote show={saved} />
          </form>
        )}
      </Loaded>
      <ErrorBox error={action.error} />
    </Card>
  );
}

type Form = Record<'commission' | 'maxPct' | 'perReward' | 'budgetAbovePct' | 'maxDaily' | 'newDays' | 'holdAbove' | 'velocityMax' | 'velocityMinutes', string> & { tiers: { from: string; pct: string }[] };

function toForm(b: Billing): Form {
  return {
    commission: pct(b.commissionBps),
    tiers: b.commissionTiers.map((x) => ({ from: kr(x.fromMinor), pct: pct(x.bps) })),
    maxPct: pct(b.ceilings.maxBps),
    perReward: kr(b.ceilings.perRewardCapMinor),
    budgetAbovePct: pct(b.ceilings.dailyBudgetRequiredAboveBps),
    maxDaily: kr(b.ceilings.maxDailyBudgetMinor),
    newDays: String(b.review.newConnectionDays),
    holdAbove: kr(b.review.holdRewardAboveMinor),
    velocityMax: String(b.review.velocityMaxRewards),
    velocityMinutes: String(b.review.velocityWindowMinutes),
  };
}

function toPatch(f: Form) {
  return {
    commissionBps: toBps(f.commission),
    commissionTiers: f.tiers.map((x) => ({ fromMinor: toMinor(x.from), bps: toBps(x.pct) })),
    ceilings: { maxBps: toBps(f.maxPct), perRewardCapMinor: toMinor(f.perReward), dailyBudgetRequiredAboveBps: toBps(f.budgetAbovePct), maxDailyBudgetMinor: toMinor(f.maxDaily) },
    review: { newConnectionDays: int(f.newDays), holdRewardAboveMinor: toMinor(f.holdAbove), velocityMaxRewards: int(f.velocityMax), velocityWindowMinutes: int(f.velocityMinutes) },
  };
}

function BusinessBilling({ businessId }: { businessId: string }) {
  const { t } = useTranslation('admin');
  const res = useApi<Billing>(`/admin/businesses/${businessId}/billing`);
  const [form, setForm] = useState<Form | null>(null);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  useEffect(() => {
    if (res.data) setForm(toForm(res.data));
  }, [res.data]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    if (form && (await action.run(() => api('PATCH', `/admin/businesses/${businessId}/billing`, { body: toPatch(form) })))) {
      setSaved(true);
      res.reload();
    }
  }
  const field = (k: Exclude<keyof Form, 'tiers'>, label: string, hint?: string) => form && <Field label={label} hint={hint} inputMode="decimal" value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />;
  const setTier = (i: number, k: 'from' | 'pct', v: string) => form && setForm({ ...form, tiers: form.tiers.map((x, j) => (j === i ? { ...x, [k]: v } : x)) });
  return (
    <Loaded res={res}>
      {(b) => (
        <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-6" data-testid="business-billing">
          <Card title={t('billing.commissionTitle')} actions={<Badge tone={b.source === 'business' ? 'good' : 'neutral'}>{t(`billing.source.${b.source}`)}</Badge>}>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
              {field('commission', t('billing.commission'), t('billing.commissionHint'))}
            </div>
            <p className="mt-3 text-sm font-medium text-stone-800">{t('billing.tiers')}</p>
            {form?.tiers.map((x, i) => (
              <div key={i} className="mt-2 flex flex-wrap items-end gap-3">
                <Field label={t('billing.tierFrom')} inputMode="decimal" value={x.from} onChange={(e) => setTier(i, 'from', e.target.value)} />
                <Field label={t('billing.tierRate')} inputMode="decimal" value={x.pct} onChange={(e) => setTier(i, 'pct', e.target.value)} />
                <Button variant="secondary" onClick={() => setForm({ ...form, tiers: form.tiers.filter((_, j) => j !== i) })}>{t('billing.removeTier')}</Button>
              </div>
            ))}
            <Button variant="secondary" className="mt-2" onClick={() => form && setForm({ ...form, tiers: [...form.tiers, { from: '', pct: '' }] })}>{t('billing.addTier')}</Button>
            <p className="mt-3 text-xs text-stone-600">{t('billing.vatIs', { vat: formatBps(b.vatBps) })}</p>
          </Card>
          <Card title={t('billing.ceilingsTitle')}>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
              {field('maxPct', t('billing.maxPct'))}
              {field('perReward', t('billing.perReward'))}
              {field('budgetAbovePct', t('billing.budgetAbovePct'))}
              {field('maxDaily', t('billing.maxDaily'))}
            </div>
            {b.ownerSettingsBeyondCeilings.length > 0 && (
              <div role="status" className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
                <p>{t('billing.beyond')}</p>
                <ul className="mt-1 list-disc pl-5">{b.ownerSettingsBeyondCeilings.map((p) => <li key={p.path}>{p.message}</li>)}</ul>
              </div>
            )}
          </Card>
          <Card title={t('billing.reviewTitle')}>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
              {field('newDays', t('billing.newDays'))}
              {field('holdAbove', t('billing.holdAbove'))}
              {field('velocityMax', t('billing.velocityMax'))}
              {field('velocityMinutes', t('billing.velocityMinutes'))}
            </div>
            <p className="mt-3 text-xs text-stone-600">{t('billing.reviewHint')} <Link className="text-teal-800 underline" to="/admin/fraud">{t('nav.fraud')}</Link></p>
          </Card>
          <ErrorBox error={action.error} />
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={action.busy || !form}>{t('console:save')}</Button>
            <SavedNote show={saved} />
            <span className="text-xs text-stone-600">{t('billing.audited')}</span>
          </div>
        </form>
      )}
    </Loaded>
  );
}
