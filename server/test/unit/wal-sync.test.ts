import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { GroupCommitter } from '../../src/db/group-commit.js';
import { DiskSyncError, fdatasyncFile, WalSync } from '../../src/db/wal-sync.js';

/** A fake disk: every sync waits until the test finishes it. */
function controlledDisk() {
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    started: () => pending.length,
    sync: () => new Promise<void>((resolve, reject) => void pending.push({ resolve, reject })),
    finish: (i: number) => pending[i]!.resolve(),
    fail: (i: number, e: Error) => pending[i]!.reject(e),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

function track(p: Promise<unknown>) {
  const state = { settled: false as boolean, error: null as unknown };
  p.then(
    () => void (state.settled = true),
    (e: unknown) => Object.assign(state, { settled: true, error: e }),
  );
  return state;
}

describe('WalSync', () => {
  it('a caller is answered only when a sync that started after its call has finished', async () => {
    const disk = controlledDisk();
    const wal = new WalSync(disk.sync);
    const first = track(wal.sync());
    const second = track(wal.sync()); // arrives while the first sync runs: it needs the next one
    const third = track(wal.sync()); // shares that next one
    expect(disk.started()).toBe(1);
    disk.finish(0);
    await tick();
    expect(first.settled).toBe(true);
    expect(second.settled).toBe(false);
    expect(third.settled).toBe(false);
    expect(disk.started()).toBe(2);
    disk.finish(1);
    await tick();
    expect([second.settled, third.settled]).toEqual([true, true]);
    expect(wal.syncs).toBe(2);
  });

  it('a failed fdatasync fails its callers, the queued ones and every later one: the disk may have dropped pages', async () => {
    const disk = controlledDisk();
    const wal = new WalSync(disk.sync);
    const failed = track(wal.sync());
    const queued = track(wal.sync());
    disk.fail(0, new DiskSyncError('EIO'));
    await tick();
    await tick();
    expect((failed.error as Error).message).toMatch(/WAL fdatasync failed; writes are refused until restart: EIO/);
    expect(queued.error).toBe(failed.error);
    expect(disk.started()).toBe(1); // no later sync may report success
    await expect(wal.sync()).rejects.toBe(wal.failure);
  });

  it('any other error (opening the file under EMFILE, say) fails only the callers of that sync', async () => {
    const disk = controlledDisk();
    const wal = new WalSync(disk.sync);
    const failed = track(wal.sync());
    disk.fail(0, Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' }));
    await tick();
    expect((failed.error as Error).message).toMatch(/EMFILE/);
    expect(wal.failure).toBeNull();
    const next = track(wal.sync());
    disk.finish(1);
    await tick();
    expect(next).toEqual({ settled: true, error: null });
  });

  it('fdatasyncFile syncs a real file; a missing WAL is fine only while the database closes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvittra-walsync-'));
    try {
      writeFileSync(path.join(dir, 'f'), 'x');
      await expect(fdatasyncFile(path.join(dir, 'f'))()).resolves.toBeUndefined();
      await expect(fdatasyncFile(path.join(dir, 'missing'))()).rejects.toThrow(/ENOENT/);
      await expect(fdatasyncFile(path.join(dir, 'missing'), () => true)()).resolves.toBeUndefined();
      await expect(fdatasyncFile(path.join(dir, 'f', 'under-a-file'))()).rejects.toThrow(/ENOTDIR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('group commit with an off-loop WAL sync (SQLite)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvittra-gcwal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function setup(name: string) {
    const db = openDatabase({ kind: 'sqlite', file: path.join(dir, name) });
    await sql`create table t (x integer)`.execute(db.kysely);
    const disk = controlledDisk();
    const writer = new GroupCommitter(db.kysely, 'sqlite', new WalSync(disk.sync));
    const insert = (x: number) => writer.run((trx) => sql`insert into t (x) values (${x})`.execute(trx));
    const rows = async () => (await sql<{ x: number }>`select x from t order by x`.execute(db.kysely)).rows.map((r) => r.x);
    return { db, disk, writer, insert, rows };
  }

  it('answers the writers only after the WAL sync, while the next group is already committed', async () => {
    const { db, disk, insert, rows } = await setup('a.sqlite');
    try {
      const a = track(insert(1));
      const b = track(insert(2));
      while (disk.started() < 1) await tick();
      expect(await rows()).toEqual([1, 2]); // committed, but not yet acknowledged
      expect([a.settled, b.settled]).toEqual([false, false]);

      const c = track(insert(3)); // a new group commits while the first one's sync is still running
      while ((await rows()).length < 3) await tick();
      disk.finish(0);
      while (disk.started() < 2) await tick();
      expect([a.settled, b.settled, c.settled]).toEqual([true, true, false]);
      disk.finish(1);
      while (!c.settled) await tick();
      expect(c.error).toBeNull();
      const level = await sql<{ synchronous: number }>`pragma synchronous`.execute(db.kysely);
      expect(level.rows[0]!.synchronous).toBe(2); // lowered for the group's COMMIT only
    } finally {
      await db.close();
    }
  });

  it('a failed sync fails the writers of that group: their data may not be on disk', async () => {
    const { db, disk, insert, rows } = await setup('b.sqlite');
    try {
      const a = track(insert(1));
      while (disk.started() < 1) await tick();
      disk.fail(0, new DiskSyncError('EIO: fdatasync failed'));
      while (!a.settled) await tick();
      expect((a.error as Error).message).toMatch(/EIO/);
      // Later writes are refused before they run: a write committed but answered 5xx would be retried and doubled.
      await expect(insert(2)).rejects.toThrow(/refused until restart/);
      expect(await rows()).toEqual([1]);
    } finally {
      await db.close();
    }
  });
});
