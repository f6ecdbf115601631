import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../../lib/api';
import { useBusiness } from '../BusinessContext';
import { saveDownload } from '../common/download';
import { formatDateTime, formatNumber } from '../common/format';
import { items, num, str, asObj, type Json } from '../common/pick';
import { Badge, Button, Card, Empty, ErrorBox, Field, NotAvailable, PageHeader, Select, Table, Td } from '../common/ui';
import { isMissingRoute } from '../common/useApi';
import { DateRangePicker, useRange } from './DateRange';
import { useLocations } from './useLocations';

export const CATEGORIES = ['service', 'staff', 'product', 'quality', 'price', 'waiting_time', 'cleanliness', 'atmosphere', 'selection', 'accessibility', 'other'] as const;
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

interface Filters {
  q: string;
  locationId: string;
  minScore: string;
  category: string;
  sentiment: string;
}
const EMPTY: Filters = { q: '', locationId: '', minScore: '', category: '', sentiment: '' };

export function sentimentTone(label: string | null): 'good' | 'bad' | 'warn' | 'neutral' {
  return label === 'positive' ? 'good' : label === 'negative' ? 'bad' : label === 'mixed' ? 'warn' : 'neutral';
}

/** Released feedback, newest first, with search and filters; the same filters drive the CSV export. */
export function FeedbackPage() {
  const { t } = useTranslation('business');
  const { base } = useBusiness();
  const locations = useLocations();
  const [range, setRange] = useRange(90);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [rows, setRows] = useState<Json[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const query = { ...filters, from: range.from, to: range.to };

  async function load(after: string | null) {
    setLoading(true);
    try {
      const page = await api<Json>('GET', `${base}/feedback`, { query: { ...query, limit: 50, cursor: after } });
      setRows((r) => (after ? [...r, ...items(page)] : items(page)));
      setCursor(str(asObj(page), 'nextCursor'));
      setError(null);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => {
    void load(null);
  }, [base, JSON.stringify(query)]);

  function apply(e: FormEvent) {
    e.preventDefault();
    setFilters(draft);
  }
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });

  if (isMissingRoute(error)) return (<><PageHeader title={t('feedback.title')} /><NotAvailable /></>);
  return (
    <>
      <PageHeader title={t('feedback.title')}>
        <Button variant="secondary" onClick={() => void saveDownload(`${base}/feedback/export.csv`, 'kvittra-feedback.csv', query).catch((e: unknown) => setError(e as ApiError))}>
          {t('feedback.exportCsv')}
        </Button>
      </PageHeader>
      <Card className="mb-4">
        <form onSubmit={apply} className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-6" role="search" aria-label={t('feedback.filters')}>
          <Field className="lg:col-span-2" label={t('feedback.search')} type="search" value={draft.q} onChange={set('q')} />
          <Select label={t('feedback.location')} value={draft.locationId} onChange={set('locationId')}>
            <option value="">{t('console:all')}</option>
            {locations.data?.items.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
          </Select>
          <Select label={t('feedback.minScore')} value={draft.minScore} onChange={set('minScore')}>
            <option value="">{t('console:all')}</option>
            {[60, 75, 90].map((s) => <option key={s} value={s}>{t('feedback.scoreAtLeast', { n: s })}</option>)}
          </Select>
          <Select label={t('feedback.category')} value={draft.category} onChange={set('category')}>
            <option value="">{t('console:all')}</option>
            {CATEGORIES.map((c) => <option key={c} value={c}>{t(`categories.${c}`)}</option>)}
          </Select>
          <Select label={t('feedback.sentiment')} value={draft.sentiment} onChange={set('sentiment')}>
            <option value="">{t('console:all')}</option>
            {SENTIMENTS.map((s) => <option key={s} value={s}>{t(`sentiment.${s}`)}</option>)}
          </Select>
          <div className="flex flex-wrap items-end gap-2 lg:col-span-6">
            <DateRangePicker value={range} onChange={setRange} />
            <Button type="submit">{t('console:filter')}</Button>
            <Button variant="secondary" onClick={() => { setDraft(EMPTY); setFilters(EMPTY); }}>{t('console:reset')}</Button>
          </div>
        </form>
      </Card>
      <ErrorBox error={error} />
      <Card>
        {rows.length === 0 && !loading ? <Empty>{t('feedback.none')}</Empty> : <FeedbackTable rows={rows} />}
        {cursor && <Button variant="secondary" className="mt-3" disabled={loading} onClick={() => void load(cursor)}>{t('console:more')}</Button>}
      </Card>
    </>
  );
}

function FeedbackTable({ rows }: { rows: Json[] }) {
  const { t } = useTranslation('business');
  return (
    <Table caption={t('feedback.title')} head={[t('feedback.when'), t('feedback.location'), t('feedback.score'), t('feedback.sentiment'), t('feedback.categories'), t('feedback.text')]}>
      {rows.map((r) => {
        const id = str(r, 'id', 'sessionId') ?? '';
        const label = str(r, 'sentimentLabel');
        return (
          <tr key={id} className="hover:bg-stone-50">
            <Td className="whitespace-nowrap">
              <Link className="text-teal-800 underline" to={`/business/feedback/${id}`}>{formatDateTime(str(r, 'submittedAt', 'scoredAt', 'createdAt'))}</Link>
            </Td>
            <Td>{str(r, 'locationName') ?? '–'}</Td>
            <Td>{formatNumber(num(r, 'qualityScore', 'score'))}</Td>
            <Td>{label ? <Badge tone={sentimentTone(label)}>{t(`sentiment.${label}`)}</Badge> : '–'}</Td>
            <Td>{(Array.isArray(r.categories) ? (r.categories as string[]) : []).map((c) => t(`categories.${c}`, { defaultValue: c })).join(', ')}</Td>
            <Td className="max-w-md"><span className="line-clamp-2">{str(r, 'excerpt', 'summary', 'text') ?? ''}</span></Td>
          </tr>
        );
      })}
    </Table>
  );
}
