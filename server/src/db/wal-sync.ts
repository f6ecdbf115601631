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
 */
export class WalSync {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  syncs = 0;

  constructor(private readonly syncFile: SyncFile) {}

  /** Resolves once everything written before this call is on disk. */
  sync(): Promise<void> {
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
    return this.start();
  }

  private start(): Promise<void> {
    this.syncs += 1;
    const p = this.syncFile().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }
}
