import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { createRedis } from './core/redis-client.js';
import type { Config } from './config/load.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { JobQueue } from './queue/job-queue.js';
import { servingRequests } from './http/in-flight.js';
import { createLogger, type Logger } from './core/logger.js';
import { createMetrics, addCollectedGauge, addCheckpointGauges } from './ops/metrics.js';
import { StartupPhases } from './ops/startup.js';
import { startMetricsListener } from './ops/metrics-endpoint.js';
import { buildApp } from './http/app.js';
import type { AppContext, AppServices } from './http/context.js';
import { Pii } from './core/pii.js';
import { createScorer, createFollowUpGenerator } from './scoring/index.js';
import { createTranscriber } from './voice/index.js';
import { createSpeaker } from './voice/speaker.js';
import { createMailSender } from './mail/mail-sender.js';
import { registerJobs } from './jobs.js';
import { Scheduler } from './ops/scheduler.js';
import { startDelivery, type DeliveryService } from './delivery/runtime.js';

export interface Platform {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  /** Outbound webhook delivery (server/src/delivery): sweep(), breakers, the BullMQ backend when REDIS_URL is set. */
  delivery: DeliveryService;
  /** Graceful: stop accepting, finish in-flight requests and jobs, close Redis and the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  listen?: boolean;
  startWorkers?: boolean;
  /** Replace providers (tests inject fakes at the network boundary through config instead where possible). */
  services?: AppServices;
}

export function createServices(config: Config, log: Logger): AppServices {
  const scoringOpts = { ollamaEndpoint: config.scoring.ollamaEndpoint, ollamaModel: config.scoring.ollamaModel, timeoutMs: config.scoring.timeoutMs };
  return {
    pii: new Pii(config.encryptionKey),
    scorer: createScorer(scoringOpts),
    followUps: createFollowUpGenerator(scoringOpts),
    transcriber: createTranscriber({ voiceProcessorUrl: config.voice.voiceProcessorUrl, openaiBaseUrl: config.voice.openaiBaseUrl, openaiApiKey: config.voice.openaiApiKey, openaiModel: config.voice.openaiModel }),
    mail: createMailSender(config.mail, log.child({ component: 'mail' })),
    speaker: createSpeaker(config.tts, log.child({ component: 'tts' })),
  };
}

function connectRedis(url: string, log: Logger): Redis {
  const redis = createRedis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  // Without a listener an unreachable Redis would crash the process; rate limits fail open meanwhile.
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  return redis;
}

export async function startPlatform(config: Config, opts: StartOptions = {}): Promise<Platform> {
  const startup = new StartupPhases();
  const log = opts.logger ?? createLogger(config.logLevel);
  startup.mark('config');
  const metrics = createMetrics({ businessLabels: config.metrics.businessLabels });
  const dialect = config.database.kind;
  const db = openDatabase(config.database, { sqliteSynchronous: config.sqliteSynchronous, onQuery: (ms) => metrics.dbQueryDuration.observe({ dialect }, ms / 1000), onWarning: (message) => log.warn(message) });
  startup.mark('database_open');
  const applied = await migrateToLatest(db);
  startup.mark('migrations');
  const queue = new JobQueue(db, log.child({ component: 'queue' }), config.queue);
  const ctx: AppContext = { config, db, queue, log, metrics, startup, services: opts.services ?? createServices(config, log), state: { ready: false, shuttingDown: false } };
  const scheduler = new Scheduler(ctx, registerJobs(ctx));
  const delivery = startDelivery(ctx, { workers: opts.startWorkers !== false });
  addCollectedGauge(metrics, 'job_queue_depth', 'Jobs by status in the durable queue', ['status'], async (set) => {
    const d = await queue.depth();
    for (const [status, n] of Object.entries(d)) set({ status }, n);
  });
  addCheckpointGauges(metrics, db.checkpoints);
  const redis = config.redisUrl ? connectRedis(config.redisUrl, log) : undefined;
  const app = await buildApp(ctx, { redis });
  queue.yieldWhile(servingRequests(app.server));
  startup.mark('routes');
  let url = '';
  if (opts.listen !== false) {
    url = await app.listen({ port: config.port, host: config.host });
    startup.mark('listening');
  } else {
    await app.ready();
  }
  const metricsListener = opts.listen !== false ? await startMetricsListener(ctx) : null;
  db.startCheckpointThread?.();
  if (opts.startWorkers !== false) {
    queue.start();
    scheduler.start();
  }
  ctx.state.ready = true;
  log.info({ url, dialect: db.dialect, migrations: applied, startup: startup.phases, sinceProcessStartMs: startup.sinceProcessStart() }, 'kvittra started');

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      ctx.state.shuttingDown = true;
      scheduler.stop();
      await app.close();
      await metricsListener?.close();
      await queue.stop();
      await delivery.stop();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      await db.close();
      log.info('kvittra stopped');
    })());
  return { app, ctx, url, close, delivery };
}
