import client from 'prom-client';

/** One registry per app instance, so tests can build several apps in one process. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const webhookEvents = new client.Counter({
    name: 'pos_webhook_events_total',
    help: 'POS webhooks received, by provider and outcome',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });
  const dbQueryDuration = new client.Histogram({
    name: 'db_query_duration_seconds',
    help: 'Database query duration by dialect',
    labelNames: ['dialect'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const groupCommitBatch = new client.Histogram({
    name: 'db_group_commit_batch_size',
    help: 'Writes committed together per transaction (SQLite group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const jobsProcessed = new client.Counter({
    name: 'jobs_processed_total',
    help: 'Background jobs finished, by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, webhookEvents, dbQueryDuration, groupCommitBatch, jobsProcessed };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A gauge whose value is computed at scrape time (queue depth, readiness). */
export function addCollectedGauge(metrics: Metrics, name: string, help: string, labelNames: string[], collect: (set: (labels: Record<string, string>, v: number) => void) => Promise<void>) {
  return new client.Gauge({
    name,
    help,
    labelNames,
    registers: [metrics.registry],
    async collect() {
      await collect((labels, v) => this.set(labels, v));
    },
  });
}
