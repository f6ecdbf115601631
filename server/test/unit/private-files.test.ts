import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { loadConfig } from '../../src/config/load.js';

/** Issue 14 item 11: the database, its WAL and the generated secrets were created 0644 and DATA_DIR 0755. */
const root = mkdtempSync(path.join(tmpdir(), 'kvittra-modes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (p: string) => (statSync(p).mode & 0o777).toString(8);

async function openAndWrite(file: string, warnings: string[] = []) {
  const db = openDatabase({ kind: 'sqlite', file }, { onWarning: (m) => warnings.push(m) });
  await sql`create table if not exists t (x integer)`.execute(db.kysely);
  await db.writer.run((trx) => sql`insert into t values (1)`.execute(trx));
  return db;
}

describe('files holding personal data are private to the service user', () => {
  it('a new DATA_DIR is 0700; the database, -wal and -shm are 0600', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    const file = path.join(dataDir, 'kvittra.sqlite');
    const db = await openAndWrite(file);
    try {
      expect(modeOf(dataDir)).toBe('700');
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(f), f).toBe('600');
    } finally {
      await db.close();
    }
  });

  it('narrows a database left world-readable by an earlier version, and says so', async () => {
    const dir = path.join(root, 'old');
    mkdirSync(dir, { mode: 0o700 });
    const file = path.join(dir, 'kvittra.sqlite');
    await (await openAndWrite(file)).close();
    chmodSync(file, 0o644);
    const warnings: string[] = [];
    const db = await openAndWrite(file, warnings);
    try {
      expect(modeOf(file)).toBe('600');
      expect(warnings.join('\n')).toMatch(/readable by other users \(mode 644\); narrowed to 600/);
    } finally {
      await db.close();
    }
  });

  it('leaves a shared folder it did not create alone, with a warning', async () => {
    const shared = path.join(root, 'shared');
    mkdirSync(shared, { mode: 0o755 });
    chmodSync(shared, 0o755);
    const warnings: string[] = [];
    const db = await openAndWrite(path.join(shared, 'k.sqlite'), warnings);
    try {
      expect(modeOf(shared)).toBe('755');
      expect(modeOf(path.join(shared, 'k.sqlite'))).toBe('600');
      expect(warnings.join('\n')).toMatch(/readable by other users \(mode 755\)/);
    } finally {
      await db.close();
    }
  });

  it('generated development secrets are 0600 in a 0700 DATA_DIR', () => {
    const dataDir = path.join(root, 'dev', 'data');
    loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    expect(modeOf(dataDir)).toBe('700');
    expect(modeOf(path.join(dataDir, 'secrets.json'))).toBe('600');
  });
});
