import { existsSync, realpathSync } from 'node:fs';
import { ensurePrivateDir, ensurePrivateFile } from '../core/private-files.js';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type KyselyConfig, type SqliteDialectConfig } from 'kysely';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import type { DatabaseTarget } from '../config/load.js';
import type { Database } from './schema.js';
import { GroupCommitter } from './group-commit.js';
import { fdatasyncFile, WalSync } from './wal-sync.js';
import { BackgroundCheckpointer, type CheckpointStats } from './checkpointer.js';
import { lazyRequire, once } from '../core/lazy.js';
import { integrityResult, sqliteQuickCheckInThread } from './integrity-thread.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Durable writes; on SQLite concurrent writes share one fsync (group commit). */
  writer: GroupCommitter;
  ping(): Promise<number>;
  integrityCheck(): Promise<{ ok: boolean; details: string[] }>;
  close(): Promise<void>;
  /** SQLite file databases: the background WAL checkpointer's counters (db/checkpointer.ts). */
  checkpoints?: CheckpointStats;
  /** SQLite file databases: move WAL checkpoints to their thread (until then SQLite runs them inside COMMIT). */
  startCheckpointThread?(): void;
}

export interface OpenOptions {
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  poolSize?: number;
  /** Called with every query's duration in milliseconds (for the db_query_duration_seconds metric). */
  onQuery?: (ms: number) => void;
  /** SQLite: checkpoint the WAL on a worker thread (default for file databases; false keeps SQLite's own). */
  backgroundCheckpoints?: boolean;
  /** Problems worth an operator's attention that do not stop the database (the checkpoint thread failing). */
  onWarning?: (message: string) => void;
}

function queryLogger(opts: OpenOptions): KyselyConfig['log'] {
  const onQuery = opts.onQuery;
  if (!onQuery) return undefined;
  return (event) => {
    if (event.level === 'query' || event.level === 'error') onQuery(event.queryDurationMillis);
  };
}

/** The database file, and its -wal and -shm if a run before this one left them, private to this user (0600). */
function makeDatabaseFilesPrivate(file: string, opts: OpenOptions): void {
  const dir = ensurePrivateDir(path.dirname(file));
  if (dir.looseMode !== null) opts.onWarning?.(`the database folder ${path.dirname(file)} is readable by other users (mode ${dir.looseMode.toString(8)}); use a folder of its own with mode 700`);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (f !== file && !existsSync(f)) continue;
    const { narrowedFrom } = ensurePrivateFile(f);
    if (narrowedFrom !== null) opts.onWarning?.(`${f} was readable by other users (mode ${narrowedFrom.toString(8)}); narrowed to 600`);
  }
}

function openSqlite(file: string, opts: OpenOptions): { kysely: Kysely<Database>; raw: SqliteDatabase.Database } {
  if (file !== ':memory:') makeDatabaseFilesPrivate(file, opts);
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  // FULL: a COMMIT is on disk before it returns, so an acknowledged webhook survives power loss. Group commits
  // lower it for their own COMMIT and fdatasync the WAL off the event loop before answering (db/wal-sync.ts).
  raw.pragma(`synchronous = ${opts.sqliteSynchronous ?? 'FULL'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  tuneForWrites(raw);
  return { kysely: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }), log: queryLogger(opts) }), raw };
}

/**
 * Every commit appends each page it dirtied to the WAL, and the hot pages (right edges of the id and time
 * indexes) are dirtied by nearly every commit; a checkpoint copies each page once, however often it was
 * rewritten. Checkpointing every 16 MiB of WAL instead of every 4 MiB copies far fewer pages under a write
 * burst. A 64 MiB page cache keeps the indexes of a busy database in memory.
 */
function tuneForWrites(raw: SqliteDatabase.Database): void {
  raw.pragma('wal_autocheckpoint = 4000');
  raw.pragma('cache_size = -65536');
  raw.pragma('temp_store = MEMORY');
}

const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely prepares every query anew; SQLite compiling the same SQL again cost ~10 % of webhook ingest
 * CPU. Our queries are parameterised, so the SQL text repeats and the compiled statement can be reused
 * (better-sqlite3 runs one statement at a time on its one connection; we never stream, so no statement
 * is ever in use twice at once).
 */
function withStatementCache(raw: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const cache = new LRUCache<string, SqliteDatabase.Statement>({ max: STATEMENT_CACHE_SIZE });
  return {
    close: () => raw.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = raw.prepare(text);
        cache.set(text, stmt);
      }
      return stmt;
    },
  } as SqliteDialectConfig['database'];
}

const requirePg = lazyRequire<typeof pg>('pg');

/** pg is loaded only for PostgreSQL: importing it costs ~30 ms of every start, also on SQLite. */
const loadPg = once(() => {
  const module = requirePg();
  // COUNT(*) and SUM() come back from pg as strings (int8); integer columns are int4 and arrive as numbers.
  module.types.setTypeParser(20, (v) => Number(v));
  return module;
});

function openPostgres(url: string, opts: OpenOptions): { kysely: Kysely<Database>; pool: pg.Pool } {
  const pool = new (loadPg().Pool)({ connectionString: url, max: opts.poolSize ?? 20, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return { kysely: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: queryLogger(opts) }), pool };
}

export function openDatabase(target: DatabaseTarget, opts: OpenOptions = {}): Db {
  if (target.kind === 'sqlite') {
    const { kysely, raw } = openSqlite(target.file, opts);
    const writer = new GroupCommitter(kysely, 'sqlite', walSyncFor(target.file, opts));
    const checkpointer = checkpointerFor(target.file, raw, kysely, opts);
    return {
      kysely,
      dialect: 'sqlite',
      writer,
      // Reads may still work after a failed WAL sync; writes cannot be acknowledged, so the instance is not ready.
      ping: () => (writer.storageError ? Promise.reject(writer.storageError) : timed(() => sql`select 1`.execute(kysely))),
      async integrityCheck() {
        if (target.file !== ':memory:') return sqliteQuickCheckInThread(target.file);
        // An in-memory database is not reachable from another thread; it is small by nature.
        const rows = (raw.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
        return integrityResult(rows, (raw.pragma('foreign_key_check') as unknown[]).length);
      },
      checkpoints: checkpointer?.stats,
      startCheckpointThread: checkpointer ? () => checkpointer.start() : undefined,
      close: async () => {
        writer.closing();
        // The thread's connection closes first: the writer's close is then the last and checkpoints the rest.
        await checkpointer?.stop();
        return kysely.destroy();
      },
    };
  }
  const { kysely } = openPostgres(target.url, opts);
  return {
    kysely,
    dialect: 'postgres',
    writer: new GroupCommitter(kysely, 'postgres'),
    ping: () => timed(() => sql`select 1`.execute(kysely)),
    async integrityCheck() {
      // PostgreSQL checksums pages itself; verify the catalogue answers and constraints are all validated.
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = current_schema() and not c.convalidated`.execute(kysely);
      const invalid = rows[0]?.n ?? 0;
      return { ok: invalid === 0, details: invalid ? [`${invalid} constraints not validated`] : [] };
    },
    close: () => kysely.destroy(),
  };
}

/** Only a durable file database needs the WAL synced: NORMAL was chosen not to, and :memory: has no file. */
function walSyncFor(file: string, opts: OpenOptions): WalSync | null {
  if (file === ':memory:' || (opts.sqliteSynchronous ?? 'FULL') !== 'FULL') return null;
  // SQLite keeps the WAL beside the real file when the database path is a symlink.
  const wal: WalSync = new WalSync(fdatasyncFile(`${realpathSync(file)}-wal`, () => wal.closing));
  return wal;
}

function checkpointerFor(file: string, raw: SqliteDatabase.Database, kysely: Kysely<Database>, opts: OpenOptions): BackgroundCheckpointer | null {
  if (file === ':memory:' || opts.backgroundCheckpoints === false) return null;
  // The catch-up goes through Kysely's connection queue, so it never runs inside another request's transaction.
  const catchUp = async () => void (await sql.raw('pragma wal_checkpoint(PASSIVE)').execute(kysely));
  return new BackgroundCheckpointer(file, raw, catchUp, { onWarning: opts.onWarning });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
