import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface IntegrityResult {
  ok: boolean;
  details: string[];
}

/**
 * The check's source (CommonJS, evaluated by a worker thread, like db/checkpointer.ts): its own read-only
 * connection runs PRAGMA quick_check and foreign_key_check. quick_check verifies every page and row but not that
 * indexes match their tables, so it is O(N) where integrity_check is O(N log N); run on the main thread,
 * integrity_check held every request for 2 s on a 150 MB database.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  const rows = db.pragma('quick_check').map((r) => r.quick_check);
  const fk = db.pragma('foreign_key_check').length;
  parentPort.postMessage({ rows, fk });
} catch (err) {
  parentPort.postMessage({ error: String((err && err.message) || err) });
} finally {
  if (db) db.close();
}
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

type Reply = { rows: string[]; fk: number } | { error: string };

/** Turns the pragmas' answers into one result: 'ok' rows are dropped, foreign-key violations counted. */
export function integrityResult(rows: string[], foreignKeyViolations: number): IntegrityResult {
  const details = rows.filter((r) => r !== 'ok');
  if (foreignKeyViolations > 0) details.push(`${foreignKeyViolations} foreign key violations`);
  return { ok: details.length === 0, details };
}

/** quick_check of a SQLite database file on a worker thread: the event loop keeps serving meanwhile. */
export function sqliteQuickCheckInThread(file: string): Promise<IntegrityResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SOURCE, { eval: true, workerData: { driver: driverPath, file } });
    worker.once('message', (reply: Reply) => {
      if ('error' in reply) resolve({ ok: false, details: [`check failed: ${reply.error}`] });
      else resolve(integrityResult(reply.rows, reply.fk));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`integrity check thread exited with ${code}`));
    });
  });
}
