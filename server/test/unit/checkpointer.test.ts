import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { BackgroundCheckpointer } from '../../src/db/checkpointer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kvittra-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileFor = (name: string) => path.join(dir, `${name}.sqlite`);

/** Rows that reached the database file itself: a copy of the file without its WAL, opened on its own. */
function rowsInMainFile(file: string): number {
  const copy = `${file}.copy-${Date.now()}`;
  copyFileSync(file, copy);
  const db = new SqliteDatabase(copy, { readonly: true });
  try {
    const hasTable = db.prepare("select count(*) as n from sqlite_master where name = 't'").get() as { n: number };
    return hasTable.n ? (db.prepare('select count(*) as n from t').get() as { n: number }).n : 0;
  } finally {
    db.close();
    rmSync(copy, { force: true });
  }
}

function rawWalDatabase(file: string) {
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  raw.exec('create table t (id integer primary key, body text not null)');
  return raw;
}

describe('background WAL checkpoints', () => {
  it('the writer never checkpoints inside COMMIT; the thread copies what was committed into the database file', async () => {
    const file = fileFor('copies');
    const db = openDatabase({ kind: 'sqlite', file });
    const autocheckpoint = async () => (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db.kysely)).rows[0]!.wal_autocheckpoint;
    try {
      // Until the platform starts the thread (once listening), SQLite's own checkpoints stay on.
      expect(await autocheckpoint()).toBe(4000);
      expect(db.checkpoints!.running).toBe(false);
      db.startCheckpointThread!();
      expect(await autocheckpoint()).toBe(0);
      await db.writer.run((trx) => sql`create table t (id integer primary key, body text not null)`.execute(trx));
      for (let i = 0; i < 20; i++) await db.writer.run((trx) => sql`insert into t (body) values (${'x'.repeat(2_000)})`.execute(trx));
      // The thread reports after its checkpoint, so the rows can be in the file a moment before the count moves.
      await expect.poll(() => rowsInMainFile(file) === 20 && db.checkpoints!.background > 0, { timeout: 10_000 }).toBe(true);
      expect(db.checkpoints!.running).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('closing stops the thread first, so the last connection checkpoints the rest and removes the WAL', async () => {
    const file = fileFor('close');
    const db = openDatabase({ kind: 'sqlite', file });
    db.startCheckpointThread!();
    await db.writer.run((trx) => sql`create table t (id integer primary key, body text not null)`.execute(trx));
    await db.writer.run((trx) => sql`insert into t (body) values ('kept')`.execute(trx));
    await db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(db.checkpoints!.running).toBe(false);
    expect(rowsInMainFile(file)).toBe(1);
  });

  it('a WAL grown past catchUpPages under sustained writes is finished by the writer and starts over', async () => {
    const file = fileFor('catch-up');
    const raw = rawWalDatabase(file);
    let writerCheckpoints = 0;
    const cp = new BackgroundCheckpointer(file, raw, async () => {
      writerCheckpoints += 1;
      raw.pragma('wal_checkpoint(PASSIVE)');
    }, { intervalMs: 5, catchUpPages: 64 });
    cp.start();
    try {
      // The thread takes a moment to start; what is written before is not what this test is about.
      await expect.poll(() => cp.stats.background, { timeout: 10_000 }).toBeGreaterThan(0);
      const insert = raw.prepare('insert into t (body) values (?)');
      const pageSize = raw.pragma('page_size', { simple: true }) as number;
      // ~16 000 pages in small transactions, never pausing long enough for the thread to copy everything. The WAL
      // file keeps its largest size, which on a loaded machine includes however long the thread's message took
      // (5.8 MB seen at load average 18, for 64 pages asked): write enough that this lag stays far below the bound.
      const transactions = 8_000;
      for (let i = 0; i < transactions; i++) {
        raw.transaction(() => insert.run('y'.repeat(pageSize * 2)))();
        if (i % 20 === 0) await new Promise((r) => setImmediate(r));
        if (i % 200 === 0) await new Promise((r) => setTimeout(r, 6));
      }
      // Without the writer's catch-up the WAL would hold every page written (≥ 64 MB); it started over instead.
      const walBytes = statSync(`${file}-wal`).size;
      expect(walBytes).toBeLessThan((transactions * 2 * pageSize) / 4);
      expect(cp.stats.catchUps).toBeGreaterThan(0);
      expect(writerCheckpoints).toBe(cp.stats.catchUps);
    } finally {
      await cp.stop();
      raw.close();
    }
  });

  it('when the thread fails, SQLite checkpoints inside COMMIT again and the operator is told', async () => {
    const file = fileFor('fallback');
    const raw = rawWalDatabase(file);
    const warnings: string[] = [];
    // The thread cannot open a database that does not exist (fileMustExist) and dies at once.
    raw.pragma('wal_autocheckpoint = 1234'); // what the writer had before: given back, not a default
    const cp = new BackgroundCheckpointer(path.join(dir, 'missing', 'nope.sqlite'), raw, async () => undefined, { onWarning: (m) => warnings.push(m) });
    cp.start();
    expect(raw.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await expect.poll(() => cp.stats.running, { timeout: 10_000 }).toBe(false);
    expect(raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1234);
    expect(warnings.join('\n')).toMatch(/checkpoint thread (failed|exited).*SQLite checkpoints inside COMMIT again/);
    await cp.stop();
    raw.close();
  });

  it(':memory: databases and backgroundCheckpoints: false keep SQLite’s own checkpoints', async () => {
    const mem = openDatabase({ kind: 'sqlite', file: ':memory:' });
    expect(mem.checkpoints).toBeUndefined();
    await mem.close();
    const own = openDatabase({ kind: 'sqlite', file: fileFor('own') }, { backgroundCheckpoints: false });
    expect(own.checkpoints).toBeUndefined();
    expect(own.startCheckpointThread).toBeUndefined();
    const setting = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(own.kysely);
    expect(setting.rows[0]!.wal_autocheckpoint).toBe(4000);
    await own.close();
  });
});
