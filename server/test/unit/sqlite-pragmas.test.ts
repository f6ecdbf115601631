import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';

describe('SQLite connection settings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvittra-pragmas-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const pragma = async (db: ReturnType<typeof openDatabase>, name: string) => {
    const rows = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db.kysely);
    return Object.values(rows.rows[0]!)[0];
  };

  it('durable by default: WAL, synchronous=FULL (2), foreign keys on; checkpoints every 4000 pages until the thread takes them over, 64 MiB cache', async () => {
    const db = openDatabase({ kind: 'sqlite', file: path.join(dir, 'a.sqlite') });
    try {
      expect(await pragma(db, 'journal_mode')).toBe('wal');
      expect(await pragma(db, 'synchronous')).toBe(2);
      expect(await pragma(db, 'foreign_keys')).toBe(1);
      expect(await pragma(db, 'wal_autocheckpoint')).toBe(4000); // until the platform starts the checkpoint thread
      db.startCheckpointThread!();
      expect(await pragma(db, 'wal_autocheckpoint')).toBe(0); // db/checkpointer.ts
      expect(db.checkpoints?.running).toBe(true);
      expect(await pragma(db, 'cache_size')).toBe(-65536);
      // Group commits sync the WAL themselves (off the event loop) and leave the connection at FULL.
      await db.writer.run((trx) => sql`create table t (x integer)`.execute(trx));
      expect(db.writer.walSyncs).toBe(1);
      expect(await pragma(db, 'synchronous')).toBe(2);
    } finally {
      await db.close();
    }
  });

  it('syncs the WAL beside the real file when the database path is a symlink', async () => {
    const real = path.join(dir, 'real');
    mkdirSync(real);
    writeFileSync(path.join(real, 'c.sqlite'), '');
    symlinkSync(path.join(real, 'c.sqlite'), path.join(dir, 'link.sqlite'));
    const db = openDatabase({ kind: 'sqlite', file: path.join(dir, 'link.sqlite') });
    try {
      await db.writer.run((trx) => sql`create table t (x integer)`.execute(trx));
      await db.writer.run((trx) => sql`insert into t values (1)`.execute(trx));
      expect(db.writer.walSyncs).toBe(2);
      expect(existsSync(path.join(real, 'c.sqlite-wal'))).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('synchronous=NORMAL only when asked for', async () => {
    const db = openDatabase({ kind: 'sqlite', file: path.join(dir, 'b.sqlite') }, { sqliteSynchronous: 'NORMAL' });
    try {
      expect(await pragma(db, 'synchronous')).toBe(1);
      await db.writer.run((trx) => sql`create table t (x integer)`.execute(trx));
      expect(db.writer.walSyncs).toBe(0);
      expect(await pragma(db, 'synchronous')).toBe(1);
    } finally {
      await db.close();
    }
  });
});
