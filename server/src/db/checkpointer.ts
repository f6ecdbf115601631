import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

export interface CheckpointerOptions {
  /** How often the thread checkpoints (a checkpoint of an already copied WAL costs microseconds). */
  intervalMs?: number;
  /** WAL frames (pages) at which the writer finishes a checkpoint itself, so the WAL can start over. */
  catchUpPages?: number;
  onWarning?: (message: string) => void;
}

export interface CheckpointStats {
  /** Checkpoints run by the thread that found the WAL changed (an idle database is not counted). */
  background: number;
  /** Checkpoints the writer finished itself because the WAL had grown past catchUpPages. */
  catchUps: number;
  /** Frames in the WAL at the thread's last checkpoint. */
  walPages: number;
  /** False once the thread failed and SQLite checkpoints inside COMMIT again. */
  running: boolean;
}

type Message = { type: 'checkpointed'; log: number } | { type: 'error'; message: string };

/**
 * The thread's source (CommonJS, evaluated by the worker; the driver path comes from the main thread so it
 * resolves the same from sources and from the bundle). It opens its own connection to the database file.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
let timer = null;
let last = '';
function tick() {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    // Only news wakes the main thread: an idle database would otherwise post ten times a second.
    const state = r.log + '/' + r.checkpointed;
    if (state !== last) parentPort.postMessage({ type: 'checkpointed', log: r.log });
    last = state;
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: String((err && err.message) || err) });
  }
  timer = setTimeout(tick, workerData.intervalMs);
}
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * WAL checkpoints off the event loop. SQLite checkpoints inside the COMMIT that crosses wal_autocheckpoint:
 * copying ~4 000 pages into the database file and syncing it blocked the event loop for 50–60 ms, once every
 * few seconds under a webhook burst (ingest p99 ≈ 40 ms; 3.6 ms with no checkpoints at all). Here the writer's
 * connection never checkpoints; a worker thread with its own connection runs PASSIVE checkpoints, which copy
 * what is committed without blocking the writer. The WAL starts over only after a checkpoint that copied
 * everything — under a sustained burst the writer always adds frames first — so once the WAL has grown past
 * catchUpPages the writer runs one PASSIVE checkpoint itself between transactions: the thread has copied all
 * but the last ~100 ms, so it is short, and the next COMMIT reuses the WAL from its start.
 *
 * If the thread fails, the writer goes back to SQLite's own checkpoints: slower, never unbounded.
 */
export class BackgroundCheckpointer {
  readonly stats: CheckpointStats = { background: 0, catchUps: 0, walPages: 0, running: false };
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private catchUpRunning = false;
  private stopping = false;
  /** The writer's wal_autocheckpoint before start(), given back if the thread fails. */
  private ownAutocheckpoint = 0;

  constructor(
    private readonly file: string,
    private readonly raw: SqliteDatabase.Database,
    /** Runs the writer's own checkpoint between transactions (through the connection's queue). */
    private readonly catchUp: () => Promise<void>,
    private readonly opts: CheckpointerOptions = {},
  ) {}

  /**
   * Until this is called SQLite checkpoints inside COMMIT as usual. The platform starts the thread once it is
   * listening: spawning it during start-up cost ≈ 5 % of the cold start.
   */
  start(): void {
    if (this.worker || this.stopping) return;
    this.ownAutocheckpoint = this.raw.pragma('wal_autocheckpoint', { simple: true }) as number;
    this.raw.pragma('wal_autocheckpoint = 0');
    this.stats.running = true;
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { driver: driverPath, file: this.file, intervalMs: this.opts.intervalMs ?? 100 } });
    this.worker = worker;
    // Never keeps the process alive on its own; stop() ends it.
    worker.unref();
    worker.on('message', (m: Message) => this.onMessage(m));
    worker.on('error', (err) => this.fallBack(`checkpoint thread failed: ${err.message}`));
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (!this.stopping) this.fallBack('checkpoint thread exited');
    });
  }

  private onMessage(m: Message): void {
    if (m.type === 'error') return this.opts.onWarning?.(`WAL checkpoint failed (retried): ${m.message}`);
    this.stats.background += 1;
    this.stats.walPages = m.log;
    if (m.log >= (this.opts.catchUpPages ?? 8_000) && !this.catchUpRunning && !this.stopping) void this.runCatchUp();
  }

  private async runCatchUp(): Promise<void> {
    this.catchUpRunning = true;
    try {
      await this.catchUp();
      this.stats.catchUps += 1;
    } catch (err) {
      this.opts.onWarning?.(`WAL catch-up checkpoint failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.catchUpRunning = false;
    }
  }

  private fallBack(reason: string): void {
    if (!this.stats.running) return;
    this.stats.running = false;
    if (this.stopping) return;
    this.opts.onWarning?.(`${reason}; SQLite checkpoints inside COMMIT again`);
    this.raw.pragma(`wal_autocheckpoint = ${this.ownAutocheckpoint}`);
  }

  /** Stops the thread and closes its connection, so the writer's close is the last and checkpoints the rest. */
  async stop(): Promise<void> {
    if (this.stopping) return this.exited;
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    worker.postMessage('stop');
    const forced = setTimeout(() => void worker.terminate(), 5_000);
    await this.exited;
    clearTimeout(forced);
    this.stats.running = false;
  }
}
