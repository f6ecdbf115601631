import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { formatDateTime, formatNumber } from '../../business/common/format';
import { Badge, Button, Card, Empty, Loaded, PageHeader, Table, Td } from '../../business/common/ui';
import { useApi } from '../../business/common/useApi';
import { ReasonAction } from '../ReasonAction';

interface Live { id: string; businessName: string; locationName: string; channel: string; status: string; followUpsAsked: number; createdAt: string; updatedAt: string; expiresAt: string; riskScore: number | null }

const REFRESH_MS = 15_000;

/** Sessions touched in the last 30 minutes, refreshed every 15 s; an operator can end one. */
export function LiveSessionsPage() {
  const { t } = useTranslation('admin');
  const res = useApi<{ items: Live[] }>('/admin/live-sessions');
  const { reload } = res;
  useEffect(() => {
    const id = setInterval(reload, REFRESH_MS);
    return () => clearInterval(id);
  }, [reload]);
  return (
    <>
      <PageHeader title={t('live.title')}>
        <Button variant="secondary" onClick={reload}>{t('console:reload')}</Button>
      </PageHeader>
      <p className="mb-4 text-sm text-stone-700">{t('live.intro')}</p>
      <Card>
        <Loaded res={res}>
          {(d) => d.items.length === 0 ? <Empty>{t('live.none')}</Empty> : (
            <Table caption={t('live.title')} head={[t('live.place'), t('live.channel'), t('console:status'), t('live.followUps'), t('live.risk'), t('live.lastActivity'), t('console:actions')]}>
              {d.items.map((s) => (
                <tr key={s.id}>
                  <Td>{s.businessName}<p className="text-xs text-stone-600">{s.locationName}</p></Td>
                  <Td>{t(`live.channels.${s.channel}`, { defaultValue: s.channel })}</Td>
                  <Td><Badge>{t(`live.statuses.${s.status}`, { defaultValue: s.status })}</Badge></Td>
                  <Td>{s.followUpsAsked}</Td>
                  <Td>{formatNumber(s.riskScore)}</Td>
                  <Td>{formatDateTime(s.updatedAt)}</Td>
                  <Td>{!['completed', 'expired'].includes(s.status) && <ReasonAction label={t('live.end')} variant="danger" onSubmit={(reason) => api('POST', `/admin/live-sessions/${s.id}/end`, { body: { reason } })} onDone={reload} />}</Td>
                </tr>
              ))}
            </Table>
          )}
        </Loaded>
      </Card>
    </>
  );
}
