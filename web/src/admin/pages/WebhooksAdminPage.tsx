import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../business/common/format';
import { asObj, num, str, arr, type Json } from '../../business/common/pick';
import { Badge, Card, Loaded, PageHeader, Table, Td } from '../../business/common/ui';
import { useApi } from '../../business/common/useApi';
import { DeadLetterTable, WEBHOOK_PATHS } from '../../business/pages/DeadLetterTable';

const pct = (rate: number | null) => (rate === null ? '–' : `${formatNumber(rate * 100, 2)} %`);

/** Delivery success per POS provider (against its SLA) and per outbound endpoint; the dead-letter queue. */
export function WebhooksAdminPage() {
  const { t } = useTranslation('admin');
  const stats = useApi<Json>(WEBHOOK_PATHS.admin.stats);
  return (
    <>
      <PageHeader title={t('webhooks.title')} />
      <div className="flex flex-col gap-6">
        <Loaded res={stats}>{(s) => <Stats s={asObj(s)} />}</Loaded>
        <Card title={t('webhooks.deadLetters')}>
          <DeadLetterTable listPath={WEBHOOK_PATHS.admin.deliveries} replayPath={WEBHOOK_PATHS.admin.replay} replayAllBody={{ all: true }} />
        </Card>
      </div>
    </>
  );
}

function Stats({ s }: { s: Json }) {
  const { t } = useTranslation('admin');
  const windows = arr(s, 'windows').map((w) => str(w, 'key') ?? '');
  const providers = arr(s, 'providers');
  const endpoints = arr(s, 'endpoints');
  return (
    <>
      <Card title={t('webhooks.inbound')}>
        <Table caption={t('webhooks.inbound')} head={[t('webhooks.provider'), t('webhooks.target'), ...windows.map((w) => t(`webhooks.window.${w}`, { defaultValue: w }))]}>
          {providers.map((p) => (
            <tr key={str(p, 'provider')}>
              <Td className="font-medium capitalize">{str(p, 'provider')}</Td>
              <Td>{pct(num(p, 'target'))}</Td>
              {windows.map((w) => {
                const c = asObj(asObj(p.windows)[w]);
                const ok = c.meetsTarget;
                return (
                  <Td key={w}>
                    <Badge tone={ok === true ? 'good' : ok === false ? 'bad' : 'neutral'}>{pct(num(c, 'successRate'))}</Badge>
                    <p className="text-xs text-stone-600">{t('webhooks.counts', { ok: num(c, 'succeeded') ?? 0, failed: num(c, 'failed') ?? 0 })}</p>
                  </Td>
                );
              })}
            </tr>
          ))}
        </Table>
      </Card>
      <Card title={t('webhooks.outbound')}>
        {endpoints.length === 0 ? <p className="text-sm text-stone-600">{t('webhooks.noEndpoints')}</p> : (
          <Table caption={t('webhooks.outbound')} head={[t('webhooks.endpoint'), t('console:status'), ...windows.map((w) => t(`webhooks.window.${w}`, { defaultValue: w }))]}>
            {endpoints.map((e) => (
              <tr key={str(e, 'endpointId')}>
                <Td className="max-w-xs break-all text-xs">{str(e, 'url')}</Td>
                <Td><Badge tone={e.enabled === false ? 'bad' : str(e, 'circuitState') === 'closed' ? 'good' : 'warn'}>{e.enabled === false ? t('webhooks.disabled') : t(`webhooks.circuit.${str(e, 'circuitState')}`, { defaultValue: str(e, 'circuitState') ?? '' })}</Badge></Td>
                {windows.map((w) => {
                  const c = asObj(asObj(e.windows)[w]);
                  return <Td key={w}>{pct(num(c, 'successRate'))}<p className="text-xs text-stone-600">{t('webhooks.outCounts', { ok: num(c, 'delivered') ?? 0, dead: num(c, 'dead') ?? 0, pending: num(c, 'pending') ?? 0 })}</p></Td>;
                })}
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}
