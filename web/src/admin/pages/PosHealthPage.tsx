import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { formatDateTime } from '../../business/common/format';
import { arr, asObj, num, str, type Json } from '../../business/common/pick';
import { Badge, Button, Card, Empty, ErrorBox, Loaded, PageHeader, Table, Td } from '../../business/common/ui';
import { useAction, useApi } from '../../business/common/useApi';
import { ReasonAction } from '../ReasonAction';

const TONE: Record<string, 'good' | 'warn' | 'bad'> = { healthy: 'good', degraded: 'warn', down: 'bad' };

/** POS provider API health: which endpoint takes traffic, breakers, manual failover, pools, recent switches. */
export function PosHealthPage() {
  const { t } = useTranslation('admin');
  const status = useApi<Json>('/admin/disaster-recovery/status');
  return (
    <>
      <PageHeader title={t('pos.title')}>
        <Button variant="secondary" onClick={status.reload}>{t('console:reload')}</Button>
      </PageHeader>
      <p className="mb-4 max-w-3xl text-sm text-stone-700">{t('pos.intro')}</p>
      <Loaded res={status}>
        {(raw) => {
          const d = asObj(raw);
          const failovers = arr(d, 'recentFailovers');
          return (
            <div className="flex flex-col gap-6">
              <p><Badge tone={TONE[str(d, 'overall') ?? ''] ?? 'warn'}>{t(`pos.overall.${str(d, 'overall')}`, { defaultValue: str(d, 'overall') ?? '' })}</Badge></p>
              <div className="grid gap-4 xl:grid-cols-3">{arr(d, 'providers').map((p) => <ProviderCard key={str(p, 'provider')} p={p} onChange={status.reload} />)}</div>
              <Pools />
              <Card title={t('pos.events')}>
                {failovers.length === 0 ? <Empty /> : (
                  <Table caption={t('pos.events')} head={[t('pos.when'), t('pos.provider'), t('pos.switch'), t('pos.kind'), t('pos.reason')]}>
                    {failovers.map((e) => (
                      <tr key={str(e, 'id')}>
                        <Td>{formatDateTime(str(e, 'at'))}</Td>
                        <Td className="capitalize">{str(e, 'provider')}</Td>
                        <Td>{str(e, 'from')} → {str(e, 'to')}</Td>
                        <Td>{t(`pos.kinds.${str(e, 'kind') ?? ''}`, { defaultValue: str(e, 'kind') ?? '' })}</Td>
                        <Td>{str(e, 'reason')}<p className="text-xs text-stone-600">{str(e, 'actor')}</p></Td>
                      </tr>
                    ))}
                  </Table>
                )}
              </Card>
            </div>
          );
        }}
      </Loaded>
    </>
  );
}

function ProviderCard({ p, onChange }: { p: Json; onChange: () => void }) {
  const { t } = useTranslation('admin');
  const provider = str(p, 'provider') ?? '';
  return (
    <Card title={provider.charAt(0).toUpperCase() + provider.slice(1)} actions={<Badge tone={TONE[str(p, 'status') ?? ''] ?? 'warn'}>{t(`pos.overall.${str(p, 'status')}`, { defaultValue: str(p, 'status') ?? '' })}</Badge>}>
      <ul className="flex flex-col gap-3">
        {arr(p, 'endpoints').map((e) => {
          const name = str(e, 'name') ?? '';
          const active = e.active === true;
          return (
            <li key={name} className="rounded-md border border-stone-200 p-3 text-sm" data-testid="pos-endpoint">
              <div className="flex flex-wrap items-center gap-2">
                <strong>{t(`pos.endpointNames.${name}`, { defaultValue: name })}</strong>
                {active && <Badge tone="good">{t('pos.active')}</Badge>}
                <Badge tone={e.healthy === false ? 'bad' : 'good'}>{e.healthy === false ? t('pos.unhealthy') : t('pos.healthy')}</Badge>
                {e.drained === true && <Badge tone="warn">{t('pos.drained')}</Badge>}
                <Badge tone={str(e, 'breaker') === 'open' ? 'bad' : 'neutral'}>{t('pos.breaker', { state: t(`pos.breakers.${str(e, 'breaker')}`, { defaultValue: str(e, 'breaker') ?? '' }) })}</Badge>
              </div>
              <p className="mt-1 text-xs text-stone-600">{t('pos.lastCheck')}: {formatDateTime(str(e, 'lastCheckAt'))}{str(e, 'lastError') ? ` · ${str(e, 'lastError')}` : ''}</p>
              {!active && <div className="mt-2"><ReasonAction label={t('pos.failoverTo', { name: t(`pos.endpointNames.${name}`, { defaultValue: name }) })} minLength={10} onSubmit={(reason) => api('POST', '/admin/pos/failover', { body: { provider, target: name, reason } })} onDone={onChange} /></div>}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

function Pools() {
  const { t } = useTranslation('admin');
  const res = useApi<Json>('/admin/pos/pools');
  const action = useAction();
  return (
    <Card title={t('pos.pools')} actions={<Button variant="secondary" disabled={action.busy} onClick={() => void action.run(() => api('POST', '/admin/pos/pools/optimize')).then(res.reload)}>{t('pos.optimize')}</Button>}>
      <ErrorBox error={action.error} />
      <Loaded res={res}>
        {(raw) => (
          <Table caption={t('pos.pools')} head={[t('pos.provider'), t('pos.poolSize'), t('pos.activeEndpoint'), t('pos.poolStats')]}>
            {arr(asObj(raw), 'providers').map((p) => (
              <tr key={str(p, 'provider')}>
                <Td className="capitalize">{str(p, 'provider')}</Td>
                <Td>{num(p, 'connections') ?? '–'}</Td>
                <Td>{t(`pos.endpointNames.${str(p, 'activeEndpoint')}`, { defaultValue: str(p, 'activeEndpoint') ?? '' })}</Td>
                <Td className="text-xs">
                  {arr(p, 'endpoints').flatMap((e) => arr(e, 'pools').map((pool) => t('pos.poolLine', { origin: str(pool, 'origin'), connected: num(pool, 'connected') ?? 0, running: num(pool, 'running') ?? 0, queued: num(pool, 'queued') ?? 0 }))).join(' · ') || '–'}
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </Loaded>
    </Card>
  );
}
