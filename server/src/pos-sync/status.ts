import type { AppContext } from '../http/context.js';
import { POS_PROVIDERS, type PosProvider } from '../pos/providers/types.js';
import type { ReconcileReport } from './reconcile.js';
import type { PosSync } from './service.js';

const BREAKER = ['closed', 'open', 'half_open', 'isolated'] as const;

/** Provider health without secrets: endpoint names and states, never URLs with credentials or tokens. */
export function providerHealth(sync: PosSync, provider: PosProvider) {
  const set = sync.endpoints[provider];
  const endpoints = set.endpoints.map((ep) => ({
    name: ep.name,
    active: set.active === ep,
    healthy: ep.healthy,
    drained: ep.drained,
    breaker: BREAKER[ep.breaker.state as number] ?? 'closed',
    lastCheckAt: ep.lastCheckAt,
    lastError: ep.lastError,
  }));
  const usable = endpoints.filter((e) => e.healthy && !e.drained && e.breaker !== 'open');
  const activeOk = endpoints.some((e) => e.active && e.healthy && e.breaker !== 'open');
  const status = !activeOk && usable.length === 0 ? 'down' : set.active.name !== 'primary' || !activeOk ? 'degraded' : 'healthy';
  return { provider, status, activeEndpoint: set.active.name, endpoints };
}

export function runDto(r: { id: string; connection_id: string; provider: string; trigger: string; status: string; window_start: string; window_end: string; checked: number; missing: number; mismatched: number; repaired: number; errors: number; error_details: string | null; started_at: string; finished_at: string }): ReconcileReport {
  return {
    runId: r.id,
    connectionId: r.connection_id,
    provider: r.provider as PosProvider,
    trigger: r.trigger as ReconcileReport['trigger'],
    status: r.status as ReconcileReport['status'],
    windowStart: r.window_start,
    windowEnd: r.window_end,
    checked: r.checked,
    missing: r.missing,
    mismatched: r.mismatched,
    repaired: r.repaired,
    errors: r.errors,
    errorDetails: r.error_details ? (JSON.parse(r.error_details) as string[]) : [],
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export function poolsSnapshot(ctx: AppContext, sync: PosSync) {
  return {
    sizing: ctx.config.posSync.pool,
    providers: POS_PROVIDERS.map((p) => {
      const set = sync.endpoints[p];
      return {
        provider: p,
        connections: set.poolSize,
        activeEndpoint: set.active.name,
        endpoints: set.endpoints.map((ep) => ({
          name: ep.name,
          pools: [...ep.pools.entries()].map(([origin, pool]) => ({ origin, ...pick(pool.stats) })),
        })),
      };
    }),
  };
}

function pick(s: { connected: number; free: number; pending: number; queued: number; running: number; size: number }) {
  return { connected: s.connected, free: s.free, pending: s.pending, queued: s.queued, running: s.running, size: s.size };
}

/** The seed's recovery plans (RTO/RPO targets) alongside the live state. */
export const RECOVERY_PLANS = [
  { id: 'single_provider_failure', rtoMinutes: 3, rpoMinutes: 2, steps: ['automatic endpoint failover', 'manual failover if still failing', 'reconcile affected connections'] },
  { id: 'complete_pos_failure', rtoMinutes: 10, rpoMinutes: 5, steps: ['fail over every provider', 'keep accepting webhooks', 'reconcile all connections once providers answer'] },
  { id: 'regional_infrastructure_failure', rtoMinutes: 60, rpoMinutes: 15, steps: ['restore database backup', 'start in the other region', 'reconcile all connections for the outage window'] },
];

export async function disasterRecoveryStatus(ctx: AppContext, sync: PosSync) {
  const db = ctx.db.kysely;
  const since = new Date(Date.now() - 24 * 3_600_000).toISOString();
  const failovers = await db.selectFrom('pos_failover_events').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(20).execute();
  const runs = await db.selectFrom('pos_reconciliation_runs').selectAll().where('started_at', '>=', since).orderBy('started_at', 'desc').execute();
  const providers = POS_PROVIDERS.map((p) => providerHealth(sync, p));
  return {
    overall: providers.some((p) => p.status === 'down') ? 'down' : providers.some((p) => p.status === 'degraded') ? 'degraded' : 'healthy',
    providers,
    recentFailovers: failovers.map((f) => ({ id: f.id, provider: f.provider, from: f.from_endpoint, to: f.to_endpoint, kind: f.kind, reason: f.reason, actor: f.actor, at: f.created_at })),
    reconciliationLast24h: {
      runs: runs.length,
      failedRuns: runs.filter((r) => r.status === 'failed').length,
      repaired: runs.reduce((s, r) => s + r.repaired, 0),
      lastRunAt: runs[0]?.started_at ?? null,
    },
    recoveryPlans: RECOVERY_PLANS,
  };
}
