import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { formatDateTime } from '../common/format';
import { items, num, str } from '../common/pick';
import { Button, Empty, ErrorBox, Loaded, Table, Td } from '../common/ui';
import { useAction, useApi } from '../common/useApi';

/** Where the delivery API lives; one place to change if the routes move. */
export const WEBHOOK_PATHS = {
  business: (base: string) => ({ endpoints: `${base}/webhook-endpoints`, deliveries: `${base}/webhook-dead-letters`, replay: `${base}/webhook-dead-letters/replay` }),
  admin: { deliveries: '/admin/webhooks/dead-letters', replay: '/admin/webhooks/dead-letters/replay', stats: '/swedish-ops/webhook-stats' },
};

/** Dead-lettered outbound deliveries with replay (one, selected, or all); shared by both consoles. */
export function DeadLetterTable({ listPath, replayPath, replayAllBody = {} }: { listPath: string; replayPath: string; replayAllBody?: Record<string, unknown> }) {
  const { t } = useTranslation('business');
  const res = useApi<unknown>(listPath, { limit: 100 });
  const action = useAction();
  const [note, setNote] = useState<string | null>(null);
  async function replay(deliveryIds?: string[]) {
    const r = await action.run(() => api<{ replayed: number }>('POST', replayPath, { body: deliveryIds ? { deliveryIds } : replayAllBody }));
    if (r) {
      setNote(t('webhooks.replayed', { count: r.replayed }));
      res.reload();
    }
  }
  return (
    <>
      <p role="status" className="mb-2 text-sm text-teal-800">{note}</p>
      <ErrorBox error={action.error} />
      <Loaded res={res}>
        {(d) => {
          const rows = items(d);
          if (rows.length === 0) return <Empty>{t('webhooks.noDead')}</Empty>;
          return (
            <>
              <Button className="mb-3" variant="secondary" disabled={action.busy} onClick={() => void replay()}>{t('webhooks.replayAll')}</Button>
              <Table caption={t('webhooks.deadLetters')} head={[t('webhooks.event'), t('webhooks.attempts'), t('webhooks.lastError'), t('webhooks.deadAt'), t('console:actions')]}>
                {rows.map((r) => {
                  const id = str(r, 'id') ?? '';
                  return (
                    <tr key={id} data-testid="dead-letter-row">
                      <Td>{t(`webhooks.eventTypes.${(str(r, 'eventType') ?? '').replace('.', '_')}`, { defaultValue: str(r, 'eventType') ?? '' })}</Td>
                      <Td>{num(r, 'attempts') ?? '–'}</Td>
                      <Td className="max-w-xs break-words text-xs">{[num(r, 'lastStatusCode'), str(r, 'lastError')].filter((x) => x !== null).join(' · ') || '–'}</Td>
                      <Td>{formatDateTime(str(r, 'deadAt', 'createdAt'))}</Td>
                      <Td><Button variant="secondary" disabled={action.busy} onClick={() => void replay([id])}>{t('webhooks.replay')}</Button></Td>
                    </tr>
                  );
                })}
              </Table>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
