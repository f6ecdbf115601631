import { open } from 'node:fs/promises';

/** Flushes the WAL to disk; the default opens the -wal file and fdatasyncs it on libuv's thread pool. */
export type SyncFile = () => Promise<void>;

export function fdatasyncFile(file: string): SyncFile {
  return async () => {
    const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      // Closing the last connection checkpoints the WAL into the database, syncs it and deletes the WAL.
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!handle) return;
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  };
}

/**
 * Coalesced fdatasync of SQLite's WAL, off the event loop. A group commit runs with synchronous=NORMAL (the
 * COMMIT writes its frames but does not wait for the disk) and its callers hear "done" only once a sync that
 * *started after* that COMMIT has finished — the same guarantee synchronous=FULL gives, without blocking every
 * request for the ~1 ms the disk takes. Syncs requested while one is running share the next one.
 *
 * A failed fdatasync is final: after an I/O error Linux may drop the dirty pages and report the next sync as
 * successful, so nothing written afterwards could be acknowledged honestly. Every later sync fails with the same
 * error (writes answer 5xx, the readiness probe fails) until the process is restarted and SQLite recovers from
 * what is on disk.
 */
export class WalSync {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** Set by the first failed sync. */
  failure: Error | null = null;
  syncs = 0;

  constructor(private readonly syncFile: SyncFile) {}

  /** Resolves once everything written before this call is on disk. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.running) return this.start();
    // The running sync may have started before the caller's commit: it needs the next one.
    this.queued ??= this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<void> {
    this.queued = null;
    return this.failure ? Promise.reject(this.failure) : this.start();
  }

  private start(): Promise<void> {
    this.syncs += 1;
    const p = this.syncFile()
      .catch((err: unknown) => {
        this.failure ??= new Error(`WAL fdatasync failed; writes are refused until restart: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        throw this.failure;
      })
      .finally(() => {
        if (this.running === p) this.running = null;
      });
    this.running = p;
    return p;
  }
}
