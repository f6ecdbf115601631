import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { formatDate, formatDateTime } from '../../business/common/format';
import { Card, Kpi, Loaded, PageHeader } from '../../business/common/ui';
import { useApi } from '../../business/common/useApi';

interface BusinessContext { at: string; localTime: string; weekday: number; timeContext: string; businessType: string; isBusinessTime: boolean; holidayName: string | null; observance: string | null; isPeakHours: boolean; nextBusinessDay: string; nextBusinessDayStart: string; isDst: boolean }
interface Holiday { date: string; name: string }

const DAY_MS = 86_400_000;
const BATCH_DAYS = 14;
const MAX_DAYS = 140;

/**
 * The next Swedish holiday, asked of the server's own calendar (business-context per day at noon,
 * Stockholm), two weeks at a time: the server has no holiday list endpoint, and the calendar rules
 * (Easter, midsummer, All Saints) belong to the server.
 */
function useNextHoliday(): Holiday | null | undefined {
  const [found, setFound] = useState<Holiday | null | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const start = Date.now();
      for (let offset = 1; offset <= MAX_DAYS && !cancelled; offset += BATCH_DAYS) {
        const days = Array.from({ length: BATCH_DAYS }, (_, i) => new Date(start + (offset + i) * DAY_MS));
        const answers = await Promise.all(days.map((d) => api<BusinessContext>('GET', '/swedish-ops/business-context', { query: { at: `${d.toISOString().slice(0, 10)}T11:00:00Z` } })));
        const hit = answers.find((a) => a.holidayName);
        if (hit) return setFound({ date: hit.localTime.slice(0, 10), name: hit.holidayName! });
      }
      if (!cancelled) setFound(null);
    })().catch(() => !cancelled && setFound(null));
    return () => {
      cancelled = true;
    };
  }, []);
  return found;
}

/** What time it is for Swedish shops right now: business hours, holidays, the next business day. */
export function SwedishContextPage() {
  const { t } = useTranslation('admin');
  const res = useApi<BusinessContext>('/swedish-ops/business-context');
  const next = useNextHoliday();
  return (
    <>
      <PageHeader title={t('swedish.title')} />
      <Loaded res={res}>
        {(c) => (
          <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
            <Kpi label={t('swedish.localTime')} value={formatDateTime(c.at)} hint={c.isDst ? t('swedish.summer') : t('swedish.winter')} />
            <Kpi label={t('swedish.timeContext')} value={t(`swedish.contexts.${c.timeContext}`, { defaultValue: c.timeContext })} hint={c.isPeakHours ? t('swedish.peak') : undefined} />
            <Kpi label={t('swedish.dayType')} value={t(`swedish.dayTypes.${c.businessType}`, { defaultValue: c.businessType })} hint={c.holidayName ?? c.observance ?? undefined} />
            <Kpi label={t('swedish.nextBusinessDay')} value={formatDate(c.nextBusinessDay)} hint={t('swedish.opensAt', { at: formatDateTime(c.nextBusinessDayStart) })} />
          </div>
        )}
      </Loaded>
      <Card title={t('swedish.nextHoliday')} className="mt-6">
        <p className="text-sm" data-testid="next-holiday">{next === undefined ? t('common:loading') : next ? t('swedish.holidayLine', { date: formatDate(next.date), name: next.name }) : t('swedish.noHoliday')}</p>
      </Card>
    </>
  );
}
