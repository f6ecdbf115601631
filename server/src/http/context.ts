import type { Config } from '../config/load.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { StartupPhases } from '../ops/startup.js';

/** Everything a domain module needs, handed in explicitly (no globals). */
export interface AppContext {
  config: Config;
  db: Db;
  queue: JobQueue;
  log: Logger;
  metrics: Metrics;
  startup: StartupPhases;
  state: { ready: boolean; shuttingDown: boolean };
}
