import client from 'prom-client';
import type { CheckpointStats } from '../db/checkpointer.js';

export interface MetricsOptions {
  /**
   * Series labelled with business or endpoint ids (METRICS_BUSINESS_LABELS). Off by default: they disclose each
   * tenant's volumes to whoever reads /metrics, and add series with every tenant.
   */
  businessLabels?: boolean;
}

/** One registry per app instance, so tests can build several apps in one process. */
export function createMetrics(opts: MetricsOptions = {}) {
  const businessLabels = opts.businessLabels ?? false;
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
  const loadShed = new client.Counter({
    name: 'http_load_shed_total',
    help: 'Requests answered 503 by load shedding, by pressure type',
    labelNames: ['reason'] as const,
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
  const feedbackSessions = new client.Counter({
    name: 'feedback_sessions_total',
    help: 'Feedback sessions by status transition and quality tier',
    labelNames: ['status', 'quality_tier'] as const,
    registers: [registry],
  });
  const feedbackSessionsByBusiness = businessLabels
    ? new client.Counter({ name: 'feedback_sessions_by_business_total', help: 'Feedback sessions by business, status transition and quality tier (METRICS_BUSINESS_LABELS)', labelNames: ['business_id', 'status', 'quality_tier'] as const, registers: [registry] })
    : null;
  /** Counts a session's status transition; per business only when business labels are on. */
  const countFeedbackSession = (businessId: string, status: string, qualityTier: string) => {
    feedbackSessions.inc({ status, quality_tier: qualityTier });
    feedbackSessionsByBusiness?.inc({ business_id: businessId, status, quality_tier: qualityTier });
  };
  const qualityScore = new client.Histogram({ name: 'feedback_quality_score', help: 'Distribution of feedback quality scores', buckets: [0, 20, 40, 60, 75, 90, 100], registers: [registry] });
  const voiceDuration = new client.Histogram({
    name: 'voice_processing_duration_seconds',
    help: 'Time spent transcribing voice feedback',
    labelNames: ['outcome'] as const,
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const rewardAmount = new client.Histogram({ name: 'reward_amount_sek', help: 'Distribution of reward amounts in SEK', buckets: [0, 1, 5, 10, 20, 50, 100, 200], registers: [registry] });
  const fraudSignals = new client.Counter({ name: 'fraud_signals_total', help: 'Fraud signals raised, by code', labelNames: ['code'] as const, registers: [registry] });
  const rewardsHeld = new client.Counter({ name: 'rewards_held_total', help: 'Rewards held for fraud review', registers: [registry] });
  // Outbound webhooks to merchants (server/src/delivery); result: delivered | retry | dead | postponed.
  const webhookDeliveries = new client.Counter({ name: 'webhook_deliveries_total', help: 'Outbound webhook delivery attempts and postponements, by result', labelNames: ['result'] as const, registers: [registry] });
  const webhookDeliveryDuration = new client.Histogram({
    name: 'webhook_delivery_duration_seconds',
    help: 'Outbound webhook request duration, by result',
    labelNames: ['result'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return { businessLabels, countFeedbackSession, loadShed, webhookDeliveries, webhookDeliveryDuration, registry, feedbackSessions, qualityScore, voiceDuration, rewardAmount, fraudSignals, rewardsHeld, httpDuration, webhookEvents, dbQueryDuration, groupCommitBatch, jobsProcessed };
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

/** SQLite's background WAL checkpointer (db/checkpointer.ts); nothing on PostgreSQL or :memory:. */
export function addCheckpointGauges(metrics: Metrics, stats: CheckpointStats | undefined): void {
  if (!stats) return;
  addCollectedGauge(metrics, 'sqlite_wal_pages', 'Pages in the SQLite WAL at the last background checkpoint', [], async (set) => set({}, stats.walPages));
  addCollectedGauge(metrics, 'sqlite_checkpoint_thread_up', '1 while WAL checkpoints run on their own thread; 0 after it failed (SQLite checkpoints inside COMMIT)', [], async (set) => set({}, stats.running ? 1 : 0));
  addCollectedGauge(metrics, 'sqlite_wal_checkpoints', 'WAL checkpoints since start: by the thread (those that found the WAL changed), or finished by the writer once the WAL outgrew the catch-up size', ['by'], async (set) => {
    set({ by: 'thread' }, stats.background);
    set({ by: 'writer' }, stats.catchUps);
  });
}
