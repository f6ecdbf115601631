import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../core/private-files.js';
import path from 'node:path';
import { configSchema, type RawConfig } from './schema.js';
import { posSyncConfig, type PosSyncConfig } from '../pos-sync/config.js';

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface Config {
  env: RawConfig['NODE_ENV'];
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseTarget;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  publicBaseUrl: string;
  adminToken: string;
  /** Where /metrics is served (its own listener when `port` is set) and whether series carry tenant ids. */
  metrics: { port: number | undefined; host: string; token: string | undefined; businessLabels: boolean };
  encryptionKey: Buffer;
  logLevel: RawConfig['LOG_LEVEL'];
  sqliteSynchronous: RawConfig['SQLITE_SYNCHRONOUS'];
  webhookBodyLimit: number;
  httpHeadersTimeoutMs: number;
  rateLimits: { webhooksPerMinute: number; adminPerMinute: number };
  queue: { pollIntervalMs: number; concurrency: number; lockMs: number };
  shutdownTimeoutMs: number;
  scoring: { ollamaEndpoint: string | undefined; ollamaModel: string; timeoutMs: number };
  voice: { voiceProcessorUrl: string | undefined; openaiBaseUrl: string | undefined; openaiApiKey: string | undefined; openaiModel: string };
  voiceStream: { maxSeconds: number; maxBytes: number; partialIntervalMs: number };
  tts: { provider: 'openai' | 'espeak' | 'none' | undefined; baseUrl: string | undefined; apiKey: string | undefined; model: string; voice: string };
  fraud: { enabled: boolean; holdThreshold: number };
  retention: { dataRetentionDays: number; phoneRetentionDaysAfterPayout: number };
  trustProxy: boolean | string[];
  mail: { smtpUrl: string | undefined; from: string };
  loadShedMaxEventLoopDelayMs: number;
  trial: { feedbacks: number; days: number };
  payouts: { provider: RawConfig['PAYOUT_PROVIDER']; stripeApiBase: string; stripeSecretKey: string | undefined };
  /** Outbound webhooks to merchants (server/src/delivery). */
  outboundWebhooks: { maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number; timeoutMs: number; breakerThreshold: number; breakerHalfOpenMs: number; secretOverlapHours: number; allowLoopback: boolean };
  /** POS API reconciliation and endpoint failover (server/src/pos-sync). */
  posSync: PosSyncConfig;
  /** Names of secrets generated (development only) so start-up can print them once. */
  generatedSecrets: string[];
  /** Where the admin token came from: the environment (never printed) or DATA_DIR/secrets.json (generated outside production). */
  adminTokenFrom: 'environment' | 'secrets-file';
}

/** Thrown when the environment does not describe a runnable configuration. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Empty strings count as unset, so `FOO= npm start` behaves like leaving FOO out. */
function withoutEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
}

export function parseEncryptionKey(value: string): Buffer | null {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const buf = Buffer.from(trimmed, 'base64');
    return buf.length === 32 ? buf : null;
  }
  return null;
}

function resolveDatabase(url: string | undefined, dataDir: string): DatabaseTarget {
  if (!url) return { kind: 'sqlite', file: path.join(dataDir, 'kvittra.sqlite') };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  const file = url.startsWith('file:') ? url.slice('file:'.length) : url;
  return { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
}

interface StoredSecrets {
  adminToken?: string;
  encryptionKey?: string;
}

/**
 * Outside production a missing ADMIN_TOKEN / ENCRYPTION_KEY is generated once and kept in
 * DATA_DIR/secrets.json (mode 0600), so restarts keep decrypting what was encrypted before.
 */
function loadOrCreateDevSecrets(dataDir: string, need: { adminToken: boolean; encryptionKey: boolean }) {
  const file = path.join(dataDir, 'secrets.json');
  const stored: StoredSecrets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets) : {};
  const generated: string[] = [];
  if (need.adminToken && !stored.adminToken) {
    stored.adminToken = randomBytes(24).toString('base64url');
    generated.push('ADMIN_TOKEN');
  }
  if (need.encryptionKey && !stored.encryptionKey) {
    stored.encryptionKey = randomBytes(32).toString('hex');
    generated.push('ENCRYPTION_KEY');
  }
  if (generated.length > 0) {
    ensurePrivateDir(dataDir);
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: PRIVATE_FILE_MODE });
  }
  return { stored, generated };
}

function productionProblems(env: Env): string[] {
  if (env.NODE_ENV !== 'production') return [];
  return ['ADMIN_TOKEN', 'ENCRYPTION_KEY', 'SMTP_URL'].filter((k) => !env[k]).map((k) => `${k}: required in production`);
}

export function loadConfig(input: Env = process.env): Config {
  const env = withoutEmpty(input);
  const parsed = configSchema.safeParse(env);
  // Report every problem at once, so a broken deployment is fixed in one round.
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  problems.push(...productionProblems(env));
  if (env.PAYOUT_PROVIDER === 'stripe-connect' && !env.STRIPE_SECRET_KEY) problems.push('STRIPE_SECRET_KEY: required when PAYOUT_PROVIDER=stripe-connect');
  if (env.ENCRYPTION_KEY && !parseEncryptionKey(env.ENCRYPTION_KEY)) problems.push('ENCRYPTION_KEY: must be 32 bytes as 64 hex characters or base64');
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const raw = parsed.data;
  const dataDir = path.resolve(raw.DATA_DIR);
  const production = raw.NODE_ENV === 'production';

  const { stored, generated } = production
    ? { stored: {} as StoredSecrets, generated: [] as string[] }
    : loadOrCreateDevSecrets(dataDir, { adminToken: !raw.ADMIN_TOKEN, encryptionKey: !raw.ENCRYPTION_KEY });
  const adminToken = raw.ADMIN_TOKEN ?? stored.adminToken;
  const encryptionKey = parseEncryptionKey(raw.ENCRYPTION_KEY ?? stored.encryptionKey ?? '');
  if (!adminToken || !encryptionKey) throw new ConfigError(['secrets.json in DATA_DIR is unreadable; delete it to regenerate']);

  return {
    env: raw.NODE_ENV,
    port: raw.PORT,
    host: raw.HOST,
    dataDir,
    database: resolveDatabase(raw.DATABASE_URL, dataDir),
    redisUrl: raw.REDIS_URL,
    redisKeyPrefix: raw.REDIS_KEY_PREFIX,
    publicBaseUrl: (raw.PUBLIC_BASE_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, ''),
    adminToken,
    encryptionKey,
    logLevel: raw.LOG_LEVEL,
    metrics: { port: raw.METRICS_PORT, host: raw.METRICS_HOST, token: raw.METRICS_TOKEN, businessLabels: raw.METRICS_BUSINESS_LABELS },
    sqliteSynchronous: raw.SQLITE_SYNCHRONOUS,
    webhookBodyLimit: raw.WEBHOOK_BODY_LIMIT_BYTES,
    httpHeadersTimeoutMs: raw.HTTP_HEADERS_TIMEOUT_MS,
    rateLimits: { webhooksPerMinute: raw.RATE_LIMIT_WEBHOOKS_PER_MINUTE, adminPerMinute: raw.RATE_LIMIT_ADMIN_PER_MINUTE },
    queue: { pollIntervalMs: raw.QUEUE_POLL_INTERVAL_MS, concurrency: raw.QUEUE_CONCURRENCY, lockMs: raw.QUEUE_LEASE_MS },
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
    scoring: { ollamaEndpoint: raw.OLLAMA_ENDPOINT, ollamaModel: raw.OLLAMA_MODEL, timeoutMs: raw.SCORING_TIMEOUT_MS },
    voice: { voiceProcessorUrl: raw.VOICE_PROCESSOR_URL, openaiBaseUrl: raw.OPENAI_BASE_URL, openaiApiKey: raw.OPENAI_API_KEY, openaiModel: raw.OPENAI_TRANSCRIPTION_MODEL },
    voiceStream: { maxSeconds: raw.VOICE_STREAM_MAX_SECONDS, maxBytes: raw.VOICE_STREAM_MAX_BYTES, partialIntervalMs: raw.VOICE_STREAM_PARTIAL_INTERVAL_MS },
    tts: { provider: raw.TTS_PROVIDER, baseUrl: raw.TTS_BASE_URL, apiKey: raw.TTS_API_KEY, model: raw.TTS_MODEL, voice: raw.TTS_VOICE },
    fraud: { enabled: raw.ENABLE_FRAUD_DETECTION, holdThreshold: raw.FRAUD_HOLD_THRESHOLD },
    retention: { dataRetentionDays: raw.DATA_RETENTION_DAYS, phoneRetentionDaysAfterPayout: raw.PHONE_RETENTION_DAYS_AFTER_PAYOUT },
    trustProxy: parseTrustProxy(raw.TRUST_PROXY),
    mail: { smtpUrl: raw.SMTP_URL, from: raw.MAIL_FROM },
    loadShedMaxEventLoopDelayMs: raw.LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS,
    trial: { feedbacks: raw.TRIAL_FEEDBACKS, days: raw.TRIAL_DAYS },
    payouts: { provider: raw.PAYOUT_PROVIDER, stripeApiBase: raw.STRIPE_API_BASE.replace(/\/+$/, ''), stripeSecretKey: raw.STRIPE_SECRET_KEY },
    outboundWebhooks: {
      maxAttempts: raw.OUTBOUND_WEBHOOK_MAX_ATTEMPTS,
      backoffBaseMs: raw.OUTBOUND_WEBHOOK_BACKOFF_BASE_MS,
      backoffMaxMs: raw.OUTBOUND_WEBHOOK_BACKOFF_MAX_MS,
      timeoutMs: raw.OUTBOUND_WEBHOOK_TIMEOUT_MS,
      breakerThreshold: raw.OUTBOUND_WEBHOOK_BREAKER_THRESHOLD,
      breakerHalfOpenMs: raw.OUTBOUND_WEBHOOK_BREAKER_HALF_OPEN_MS,
      secretOverlapHours: raw.OUTBOUND_WEBHOOK_SECRET_OVERLAP_HOURS,
      allowLoopback: raw.OUTBOUND_WEBHOOK_ALLOW_LOOPBACK,
    },
    posSync: posSyncConfig(raw),
    generatedSecrets: generated,
    adminTokenFrom: raw.ADMIN_TOKEN ? 'environment' : 'secrets-file',
  };
}

function parseTrustProxy(value: string): boolean | string[] {
  if (value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
