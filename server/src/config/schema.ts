import { z } from 'zod';

/**
 * The one configuration schema. Every setting is read from the environment through it;
 * the README's configuration table is generated from it (`npm run docs:config`).
 * `secret: true` settings are never logged or echoed back.
 */
export interface SettingDoc {
  description: string;
  example?: string;
  secret?: boolean;
  /** For defaults computed from other settings. */
  defaultText?: string;
}

const port = z.coerce.number().int().min(0).max(65535);

export const settingDocs: Record<string, SettingDoc> = {
  NODE_ENV: { description: 'development, test or production. Production refuses to start without ADMIN_TOKEN and ENCRYPTION_KEY.' },
  PORT: { description: 'HTTP port to listen on.' },
  HOST: { description: 'Interface to bind.' },
  DATA_DIR: { description: 'Folder for the SQLite database, generated development secrets and backups.' },
  DATABASE_URL: {
    description: 'A SQLite file path (embedded default) or a postgres:// URL to use PostgreSQL.',
    defaultText: '`$DATA_DIR/kvittra.sqlite`',
    example: 'postgres://postgres@127.0.0.1:5432/kvittra',
    secret: true,
  },
  REDIS_URL: { description: 'Optional redis:// URL; enables Redis-backed rate limits so several instances share them.', example: 'redis://127.0.0.1:6379', secret: true },
  REDIS_KEY_PREFIX: { description: 'Prefix for every Redis key, so several environments can share one Redis.' },
  PUBLIC_BASE_URL: { description: 'Public origin of this server, used for webhook URLs and QR links.', defaultText: '`http://localhost:$PORT`' },
  ADMIN_TOKEN: {
    defaultText: 'generated (not in production)',
    description: 'Bearer token for the admin API (at least 24 characters). Generated and kept in DATA_DIR outside production.',
    secret: true,
  },
  ENCRYPTION_KEY: {
    defaultText: 'generated (not in production)',
    description: '32-byte key (64 hex characters or base64) for AES-256-GCM encryption of secrets and personal data. Generated outside production.',
    secret: true,
  },
  LOG_LEVEL: { description: 'pino log level: fatal, error, warn, info, debug, trace or silent.' },
  SQLITE_SYNCHRONOUS: { description: 'SQLite synchronous pragma: FULL (durable against power loss) or NORMAL.' },
  WEBHOOK_BODY_LIMIT_BYTES: { description: 'Largest accepted POS webhook body; larger is 413.' },
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: { description: 'Per-connection webhook rate limit.' },
  RATE_LIMIT_ADMIN_PER_MINUTE: { description: 'Per-IP admin API rate limit.' },
  QUEUE_POLL_INTERVAL_MS: { description: 'How often the in-process job worker looks for due jobs when it was not woken.' },
  QUEUE_CONCURRENCY: { description: 'Jobs a worker runs at once.' },
  TRUST_PROXY: { description: 'Trust X-Forwarded-* from: false, true (any), or a comma-separated list of proxy addresses/CIDRs. Needed behind a load balancer so rate limits see client IPs.' },
  OLLAMA_ENDPOINT: { description: 'Ollama base URL for LLM quality scoring and follow-up questions; without it the embedded deterministic scorer is used.', example: 'http://127.0.0.1:11434' },
  OLLAMA_MODEL: { description: 'Ollama model for scoring.' },
  SCORING_TIMEOUT_MS: { description: 'Longest wait for the scoring model before the customer is asked to retry.' },
  VOICE_PROCESSOR_URL: { description: 'WhisperX/faster-whisper HTTP service (whisper-asr-webservice API) for voice feedback.', example: 'http://127.0.0.1:9000' },
  OPENAI_BASE_URL: { description: 'OpenAI-compatible server whose /v1/audio/transcriptions is used when VOICE_PROCESSOR_URL is not set.', example: 'https://api.openai.com' },
  OPENAI_API_KEY: { description: 'API key for OPENAI_BASE_URL.', secret: true },
  OPENAI_TRANSCRIPTION_MODEL: { description: 'Model name sent to the OpenAI-compatible transcription endpoint.' },
  ENABLE_FRAUD_DETECTION: { description: 'Score every session for fraud and hold risky rewards for review (true/false).' },
  FRAUD_HOLD_THRESHOLD: { description: 'Combined risk (0–1) at or above which a reward is held for review.' },
  DATA_RETENTION_DAYS: { description: 'Feedback text is anonymised after this many days.' },
  PHONE_RETENTION_DAYS_AFTER_PAYOUT: { description: 'Days after a paid payout before the phone number is erased from the session (payout records keep it for the bookkeeping period).' },
  SHUTDOWN_TIMEOUT_MS: { description: 'Longest graceful shutdown before the process exits anyway.' },
  SMTP_URL: { description: 'SMTP server for invitations, password resets and reminders (nodemailer URL). Without it mails are written to the log (not allowed in production).', example: 'smtps://user:pass@smtp.example.se:465', secret: true },
  MAIL_FROM: { description: 'Sender address of outgoing mail.' },
};

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: port.default(3001),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z.string().min(1).optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'letters, digits and : _ . - only').default('kvittra:'),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
    ENCRYPTION_KEY: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
    WEBHOOK_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024),
    RATE_LIMIT_WEBHOOKS_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
    RATE_LIMIT_ADMIN_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    QUEUE_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
    QUEUE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    TRUST_PROXY: z.string().default('false'),
    OLLAMA_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OLLAMA_MODEL: z.string().min(1).default('qwen2:0.5b'),
    SCORING_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(15_000),
    VOICE_PROCESSOR_URL: z.url({ protocol: /^https?$/ }).optional(),
    OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    OPENAI_API_KEY: z.string().min(1).optional(),
    OPENAI_TRANSCRIPTION_MODEL: z.string().min(1).default('whisper-1'),
    ENABLE_FRAUD_DETECTION: z.enum(['true', 'false', '1', '0']).default('true').transform((v) => v === 'true' || v === '1'),
    FRAUD_HOLD_THRESHOLD: z.coerce.number().min(0.05).max(1).default(0.7),
    DATA_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(730),
    PHONE_RETENTION_DAYS_AFTER_PAYOUT: z.coerce.number().int().min(0).max(3650).default(30),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
    MAIL_FROM: z.string().min(3).default('Kvittra <no-reply@kvittra.se>'),
  })
  .strip();

export type RawConfig = z.infer<typeof configSchema>;
