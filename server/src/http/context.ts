import type { Config } from '../config/load.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { StartupPhases } from '../ops/startup.js';
import type { Pii } from '../core/pii.js';
import type { Scorer, FollowUpGenerator } from '../scoring/types.js';
import type { Transcriber } from '../voice/types.js';
import type { Speaker } from '../voice/speaker.js';
import type { MailSender } from '../mail/mail-sender.js';

/** Replaceable collaborators (providers chosen from configuration). */
export interface AppServices {
  pii: Pii;
  scorer: Scorer;
  followUps: FollowUpGenerator;
  /** null when no voice provider is configured: the customer app then offers typing only. */
  transcriber: Transcriber | null;
  /** null when no text-to-speech provider is configured: replies are then shown as text only. */
  speaker: Speaker | null;
  mail: MailSender;
}

/** Everything a domain module needs, handed in explicitly (no globals). */
export interface AppContext {
  config: Config;
  db: Db;
  queue: JobQueue;
  log: Logger;
  metrics: Metrics;
  startup: StartupPhases;
  services: AppServices;
  state: { ready: boolean; shuttingDown: boolean };
}
