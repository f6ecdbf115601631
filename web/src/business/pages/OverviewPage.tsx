import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useBusiness } from '../BusinessContext';
import { colorAt, pivot } from '../common/charts';
import { formatDay, formatMoney, formatNumber } from '../common/format';
import { arr, asObj, num, str, type Json } from '../common/pick';
import { Card, Empty, Kpi, Loaded, PageHeader } from '../common/ui';
import { useApi } from '../common/useApi';
import { DateRangePicker, useRange } from './DateRange';
import { useLocationNames } from './useLocations';

/** KPIs, sessions and quality per location over time, and how scores are distributed. */
export function OverviewPage() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const [range, setRange] = useRange();
  const res = useApi<Json>(`${base}/dashboard/overview`, { from: range.from, to: range.to });
  return (
    <>
      <PageHeader title={t('overview.title')}>
        <DateRangePicker value={range} onChange={setRange} />
      </PageHeader>
      <Loaded res={res}>{(data) => <OverviewBody data={asObj(data)} />}</Loaded>
    </>
  );
}

function OverviewBody({ data }: { data: Json }) {
  const { t } = useTranslation('business');
  const names = useLocationNames();
  const k = { ...data, ...asObj(data.kpis) };
  const trendRows = arr(data, 'trend', 'trends', 'byDay', 'series');
  const sessions = useMemo(() => pivot(trendRows.map((r) => ({ date: str(r, 'date', 'day') ?? '', series: str(r, 'locationName') ?? names(str(r, 'locationId')), value: num(r, 'feedbackCount', 'sessions', 'count') ?? 0 })), true), [trendRows, names]);
  const quality = useMemo(
    () => pivot(trendRows.filter((r) => num(r, 'averageQuality', 'avgQuality', 'averageScore') !== null).map((r) => ({ date: str(r, 'date', 'day') ?? '', series: str(r, 'locationName') ?? names(str(r, 'locationId')), value: num(r, 'averageQuality', 'avgQuality', 'averageScore') ?? 0 }))),
    [trendRows, names],
  );
  const dist = arr(data, 'qualityDistribution', 'distribution', 'scoreDistribution').map((r) => ({ bucket: str(r, 'band', 'bucket', 'range', 'label') ?? '', count: num(r, 'count', 'sessions') ?? 0 }));
  // budget.leftMinor is null when the business has no monthly budget (unlimited).
  const budgetLeft = num(asObj(data.budget), 'leftMinor') ?? num(k, 'budgetLeftMinor');
  return (
    <div className="flex flex-col gap-6">
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Kpi label={t('overview.sessions')} value={formatNumber(num(k, 'sessions', 'sessionCount', 'feedbackCount'))} />
        <Kpi label={t('overview.avgQuality')} value={formatNumber(num(k, 'averageQuality', 'avgQuality', 'averageScore'), 1)} hint={t('overview.avgQualityHint')} />
        <Kpi label={t('overview.rewardsPaid')} value={formatMoney(num(k, 'rewardsPaidMinor', 'rewardsMinor'))} />
        <Kpi label={t('overview.budgetLeft')} value={budgetLeft === null ? t('overview.unlimited') : formatMoney(budgetLeft)} hint={t('overview.budgetHint')} />
      </div>
      <Card title={t('overview.sessionsTrend')}>
        <TrendChart data={sessions.data} series={sessions.series} label={t('overview.sessionsTrend')} />
      </Card>
      <Card title={t('overview.qualityTrend')}>
        <TrendChart data={quality.data} series={quality.series} label={t('overview.qualityTrend')} domain={[0, 100]} />
      </Card>
      <Card title={t('overview.distribution')}>
        {dist.length === 0 ? (
          <Empty />
        ) : (
          <figure aria-label={t('overview.distribution')} data-testid="chart-distribution">
            <ResponsiveContainer width="100%" height={260}>
              <BarChart data={dist}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="bucket" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="count" name={t('overview.count')} fill={colorAt(0)} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
        )}
      </Card>
    </div>
  );
}

function TrendChart({ data, series, label, domain }: { data: Record<string, string | number>[]; series: string[]; label: string; domain?: [number, number] }) {
  if (data.length === 0) return <Empty />;
  return (
    <figure aria-label={label} data-testid="chart-trend">
      <ResponsiveContainer width="100%" height={280}>
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" tickFormatter={(d: string) => formatDay(d)} />
          <YAxis domain={domain ?? [0, 'auto']} allowDecimals={!!domain} />
          <Tooltip labelFormatter={(d) => formatDay(String(d))} />
          <Legend />
          {series.map((s, i) => (
            <Line key={s} type="monotone" dataKey={s} stroke={colorAt(i)} strokeWidth={2} dot={{ r: 3 }} connectNulls isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
