import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { WalSync } from './wal-sync.js';
import { savepoint } from './savepoints.js';

export type WriteOp<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  op: WriteOp<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 256;

/**
 * Group commit for SQLite: writes that arrive while a commit is in progress are collected and
 * committed together, so N concurrent webhooks cost one fsync instead of N — durability stays
 * synchronous=FULL. Each op runs inside its own SAVEPOINT so one failing op cannot undo the others,
 * and no caller hears "done" before the shared COMMIT is on disk.
 * With a WalSync the COMMIT itself does not wait for the disk (synchronous=NORMAL for this transaction only);
 * the WAL is fdatasynced off the event loop and the callers are answered after it, while the next group is
 * already being written. Writes outside the committer keep the connection's synchronous=FULL.
 * On PostgreSQL every op gets its own transaction: the server already groups concurrent WAL flushes.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private flushing = false;
  batches = 0;
  ops = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly wal: WalSync | null = null,
  ) {}

  /** The storage error that stopped acknowledging writes (a failed WAL sync), if any. */
  get storageError(): Error | null {
    return this.wal?.failure ?? null;
  }

  /** fdatasyncs of the WAL so far (0 without a WalSync). */
  get walSyncs(): number {
    return this.wal?.syncs ?? 0;
  }

  run<T>(op: WriteOp<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.db.transaction().execute(op);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op: op as WriteOp<unknown>, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.commitBatch(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The database is closing: syncs may find the WAL already checkpointed away. */
  closing(): void {
    if (this.wal) this.wal.closing = true;
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    // After a failed WAL sync nothing may be written: a write committed but refused would be retried and doubled.
    if (this.wal?.failure) {
      for (const item of batch) item.reject(this.wal.failure);
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const runOps = async (trx: Transaction<Database>) => {
      for (const [i, item] of batch.entries()) outcomes.push(await runInSavepoint(trx, i, item.op));
    };
    try {
      if (this.wal) await this.db.connection().execute((conn) => commitWithoutWaitingForDisk(conn, runOps));
      else await this.db.transaction().execute(runOps);
    } catch (err) {
      for (const item of batch) item.reject(err);
      return;
    }
    this.batches += 1;
    this.ops += batch.length;
    const answer = () =>
      batch.forEach((item, i) => {
        const o = outcomes[i]!;
        if (o.ok) item.resolve(o.value);
        else item.reject(o.value);
      });
    // Not awaited: the next group is written while this one's sync runs.
    if (this.wal) this.wal.sync().then(answer, (err: unknown) => batch.forEach((item) => item.reject(err)));
    else answer();
  }
}

/** SQLite refuses to change the safety level inside a transaction, so it is lowered around it, on the reserved connection. */
async function commitWithoutWaitingForDisk(conn: Kysely<Database>, runOps: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
  await sql.raw('pragma synchronous = NORMAL').execute(conn);
  try {
    await conn.transaction().execute(runOps);
  } finally {
    await sql.raw('pragma synchronous = FULL').execute(conn);
  }
}

async function runInSavepoint(trx: Transaction<Database>, i: number, op: WriteOp<unknown>) {
  const sp = savepoint('gc', i);
  await trx.executeQuery(sp.open);
  try {
    const value = await op(trx);
    await trx.executeQuery(sp.release);
    return { ok: true, value };
  } catch (err) {
    await trx.executeQuery(sp.rollback);
    await trx.executeQuery(sp.release);
    return { ok: false, value: err };
  }
}
