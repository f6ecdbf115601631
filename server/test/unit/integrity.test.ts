import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteQuickCheckInThread } from '../../src/db/integrity-thread.js';
import { INTEGRITY_CACHE_MS, IntegrityProbe } from '../../src/ops/integrity-probe.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kvittra-integrity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A WAL database with `rows` rows of ~200 bytes and an index, checkpointed into the file. */
function makeDatabase(name: string, rows: number): string {
  const file = path.join(dir, name);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('create table t (id integer primary key, body text not null); create index t_body on t (body)');
  const insert = db.prepare('insert into t (body) values (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`${i}-${'x'.repeat(200)}`);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return file;
}

describe('quick_check on a worker thread', () => {
  it('passes a sound database', async () => {
    expect(await sqliteQuickCheckInThread(makeDatabase('sound.sqlite', 1000))).toEqual({ ok: true, details: [] });
  });

  it('reports a database whose pages were overwritten', async () => {
    const file = makeDatabase('corrupt.sqlite', 5000);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096 * 3); // a b-tree page turned to garbage
    closeSync(fd);
    const result = await sqliteQuickCheckInThread(file);
    expect(result.ok).toBe(false);
    expect(result.details.join('\n')).toMatch(/page|tree|malformed|corrupt/i);
  });

  it('leaves the event loop free: almost all of the check happens after the call returns', async () => {
    const file = makeDatabase('large.sqlite', 100_000); // ~25 MB
    const started = performance.now();
    const pending = sqliteQuickCheckInThread(file);
    const blockedMs = performance.now() - started;
    const result = await pending;
    const totalMs = performance.now() - started;
    expect(result.ok).toBe(true);
    // On the main thread the whole check ran inside the call (blocked ≈ total); a thread returns at once.
    expect(blockedMs).toBeLessThan(totalMs / 4);
  });
});

describe('IntegrityProbe', () => {
  function fakeDb() {
    const calls: Array<() => void> = [];
    return {
      calls,
      db: { dialect: 'sqlite' as const, integrityCheck: () => new Promise<{ ok: boolean; details: string[] }>((resolve) => calls.push(() => resolve({ ok: true, details: [] }))) },
    };
  }

  it('runs one check for concurrent requests and keeps it for INTEGRITY_CACHE_MS', async () => {
    let now = Date.parse('2026-12-07T12:00:00Z');
    const fake = fakeDb();
    const probe = new IntegrityProbe({ db: fake.db as never }, () => now);
    const a = probe.report();
    const b = probe.report();
    expect(fake.calls.length).toBe(1);
    fake.calls[0]!();
    expect((await a).cached).toBe(false);
    expect((await b).cached).toBe(false);
    now += INTEGRITY_CACHE_MS - 1;
    expect((await probe.report()).cached).toBe(true);
    expect(fake.calls.length).toBe(1);
    now += 1;
    const later = probe.report();
    expect(fake.calls.length).toBe(2);
    fake.calls[1]!();
    expect((await later).cached).toBe(false);
  });

  it('fresh: true runs a new check even when one is kept', async () => {
    const fake = fakeDb();
    const probe = new IntegrityProbe({ db: fake.db as never });
    const first = probe.report();
    fake.calls[0]!();
    await first;
    const fresh = probe.report({ fresh: true });
    expect(fake.calls.length).toBe(2);
    fake.calls[1]!();
    expect((await fresh).cached).toBe(false);
  });
});
