import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useBusiness } from '../BusinessContext';
import { colorAt, pivot } from '../common/charts';
import { formatDay, formatNumber } from '../common/format';
import { arr, asObj, num, str, type Json } from '../common/pick';
import { Card, Empty, Loaded, PageHeader } from '../common/ui';
import { useApi } from '../common/useApi';
import { DateRangePicker, useRange } from './DateRange';
import { Heatmap } from './Heatmap';

/** What customers talk about and how they feel, over time; when they come (Stockholm hours). */
export function InsightsPage() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const [range, setRange] = useRange(90);
  const res = useApi<Json>(`${base}/dashboard/insights`, { from: range.from, to: range.to });
  return (
    <>
      <PageHeader title={t('insights.title')}>
        <DateRangePicker value={range} onChange={setRange} />
      </PageHeader>
      <Loaded res={res}>{(d) => <InsightsBody d={asObj(d)} />}</Loaded>
    </>
  );
}

function InsightsBody({ d }: { d: Json }) {
  const { t } = useTranslation('business');
  const cats = pivot(arr(d, 'categoriesOverTime', 'categories').map((r) => ({ date: str(r, 'date', 'day', 'week') ?? '', series: t(`categories.${str(r, 'category') ?? 'other'}`, { defaultValue: str(r, 'category') ?? '' }), value: num(r, 'count') ?? 0 })), true);
  const sentiment = arr(d, 'sentimentOverTime', 'sentiment').map((r) => ({ date: str(r, 'date', 'day', 'week') ?? '', value: num(r, 'average', 'averageSentiment') ?? 0 }));
  const topics = arr(d, 'topTopics', 'topics').map((r) => ({ topic: str(r, 'topic', 'term', 'label') ?? '', count: num(r, 'count', 'mentions') ?? 0 }));
  const cells = arr(d, 'peakHours', 'heatmap', 'hourly').map((r) => ({ weekday: num(r, 'weekday', 'dayOfWeek') ?? 1, hour: num(r, 'hour') ?? 0, count: num(r, 'count', 'sessions') ?? 0 }));
  return (
    <div className="grid gap-6 xl:grid-cols-2">
      <Card title={t('insights.categories')}>
        {cats.data.length === 0 ? <Empty /> : (
          <figure aria-label={t('insights.categories')} data-testid="chart-categories">
            <ResponsiveContainer width="100%" height={300}>
              <BarChart data={cats.data}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="date" tickFormatter={(v: string) => formatDay(v)} />
                <YAxis allowDecimals={false} />
                <Tooltip labelFormatter={(v) => formatDay(String(v))} />
                <Legend />
                {cats.series.map((s, i) => <Bar key={s} dataKey={s} stackId="c" fill={colorAt(i)} isAnimationActive={false} />)}
              </BarChart>
            </ResponsiveContainer>
          </figure>
        )}
      </Card>
      <Card title={t('insights.sentiment')}>
        {sentiment.length === 0 ? <Empty /> : (
          <figure aria-label={t('insights.sentiment')} data-testid="chart-sentiment">
            <ResponsiveContainer width="100%" height={300}>
              <LineChart data={sentiment}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="date" tickFormatter={(v: string) => formatDay(v)} />
                <YAxis domain={[-1, 1]} />
                <Tooltip labelFormatter={(v) => formatDay(String(v))} formatter={(v) => formatNumber(Number(v), 2)} />
                <Line type="monotone" dataKey="value" name={t('insights.avgSentiment')} stroke={colorAt(0)} strokeWidth={2} dot={{ r: 3 }} connectNulls isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        )}
        <p className="mt-2 text-xs text-stone-600">{t('insights.sentimentHint')}</p>
      </Card>
      <Card title={t('insights.topics')}>
        {topics.length === 0 ? <Empty /> : (
          <ol className="flex flex-col gap-1 text-sm">
            {topics.slice(0, 15).map((tp, i) => (
              <li key={tp.topic} className="flex items-center gap-2">
                <span className="w-6 text-right text-stone-500">{i + 1}.</span>
                <span className="flex-1">{tp.topic}</span>
                <span className="tabular-nums text-stone-700">{t('insights.mentions', { count: tp.count })}</span>
              </li>
            ))}
          </ol>
        )}
      </Card>
      <Card title={t('insights.heatmap')}>
        {cells.length === 0 ? <Empty /> : <Heatmap cells={cells} />}
        <p className="mt-2 text-xs text-stone-600">{t('insights.heatmapHint')}</p>
      </Card>
    </div>
  );
}
