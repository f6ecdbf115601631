import client from 'prom-client';
import type { Metrics } from '../ops/metrics.js';

export interface EndpointGaugeRow {
  provider: string;
  endpoint: string;
  active: boolean;
  breaker: number;
}

/** Registered on the app's registry once per app (see PosSync); gauges are read at scrape time. */
export function createPosSyncMetrics(metrics: Metrics, snapshot: () => EndpointGaugeRow[]) {
  const registers = [metrics.registry];
  return {
    apiRequests: new client.Counter({ name: 'pos_api_requests_total', help: 'POS provider API calls by provider, failover endpoint and HTTP status (or error / breaker_open)', labelNames: ['provider', 'endpoint', 'status'] as const, registers }),
    repairs: new client.Counter({ name: 'pos_reconciliation_repairs_total', help: 'Transactions repaired by POS reconciliation, by provider and kind', labelNames: ['provider', 'kind'] as const, registers }),
    reconcileRuns: new client.Counter({ name: 'pos_reconciliation_runs_total', help: 'Reconciliation runs by provider and outcome', labelNames: ['provider', 'outcome'] as const, registers }),
    endpointActive: new client.Gauge({
      name: 'pos_endpoint_active',
      help: '1 for the endpoint that takes a provider\'s API traffic, else 0',
      labelNames: ['provider', 'endpoint'] as const,
      registers,
      collect() {
        for (const r of snapshot()) this.set({ provider: r.provider, endpoint: r.endpoint }, r.active ? 1 : 0);
      },
    }),
    breakerState: new client.Gauge({
      name: 'pos_api_breaker_state',
      help: 'Circuit breaker per provider endpoint: 0 closed, 1 open, 2 half-open, 3 isolated',
      labelNames: ['provider', 'endpoint'] as const,
      registers,
      collect() {
        for (const r of snapshot()) this.set({ provider: r.provider, endpoint: r.endpoint }, r.breaker);
      },
    }),
    poolSize: new client.Gauge({ name: 'pos_api_pool_connections', help: 'Configured connections per provider API pool', labelNames: ['provider'] as const, registers }),
  };
}

export type PosSyncMetrics = ReturnType<typeof createPosSyncMetrics>;
