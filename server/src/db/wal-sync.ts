import { open } from 'node:fs/promises';

/** Flushes the WAL to disk; the default opens the -wal file and fdatasyncs it on libuv's thread pool. */
export type SyncFile = () => Promise<void>;

/** fdatasync itself failed: the kernel may have dropped dirty pages, so nothing after it can be trusted. */
export class DiskSyncError extends Error {
  override name = 'DiskSyncError';
}

/**
 * `file` must be the real path of the WAL (SQLite resolves a symlinked database and keeps the WAL beside the
 * target). A missing WAL is fine only while the database is closing — closing the last connection checkpoints the
 * WAL into the database, syncs it and deletes the WAL; otherwise it is an error, never a silent success.
 */
export function fdatasyncFile(file: string, closing: () => boolean = () => false): SyncFile {
  return async () => {
    const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' && closing()) return null;
      throw err;
    });
    if (!handle) return;
    try {
      await handle.datasync().catch((err: unknown) => {
        throw new DiskSyncError(err instanceof Error ? err.message : String(err), { cause: err });
      });
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
 * A failed fdatasync (DiskSyncError) is final: after an I/O error Linux may drop the dirty pages and report the
 * next sync as successful, so nothing written afterwards could be acknowledged honestly. Every later write is
 * refused (5xx, the readiness probe fails) until the process is restarted and SQLite recovers from what is on disk.
 * Other errors (opening the file: EMFILE under load, say) fail only the callers of that sync.
 */
export class WalSync {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** Set by the first failed fdatasync. */
  failure: Error | null = null;
  /** Set when the database is being closed (a WAL deleted by the final checkpoint is then expected). */
  closing = false;
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
        if (!(err instanceof DiskSyncError)) throw err;
        this.failure ??= new Error(`WAL fdatasync failed; writes are refused until restart: ${err.message}`, { cause: err });
        throw this.failure;
      })
      .finally(() => {
        if (this.running === p) this.running = null;
      });
    this.running = p;
    return p;
  }
}
