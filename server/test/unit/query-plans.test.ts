import type { Compilable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { dueJobIds, finishedJobIds } from '../../src/queue/job-queue.js';
import { candidateSessions, storedSignatures } from '../../src/fraud/fraud-service.js';

/** Hot queries must read an index range, never scan a table or another type's rows (SQLite's plan). */
describe('query plans of hot queries (SQLite)', () => {
  let db: Db;
  beforeAll(async () => {
    db = openDatabase({ kind: 'sqlite', file: ':memory:' });
    await migrateToLatest(db);
  });
  afterAll(async () => db.close());

  async function plan(q: Compilable<unknown>): Promise<string[]> {
    const c = q.compile();
    const { rows } = await db.kysely.executeQuery<{ detail: string }>({ ...c, sql: `explain query plan ${c.sql}` });
    return rows.map((r) => r.detail);
  }

  it('a job claim reads (status, type, run_at) for one type or a list of types', async () => {
    const now = new Date().toISOString();
    expect(await plan(dueJobIds(db.kysely, ['pos.apply_event'], now, 50, false))).toEqual([expect.stringMatching(/^SEARCH jobs USING INDEX jobs_claim_idx \(status=\? AND type=\? AND run_at<\?\)$/)]);
    const general = await plan(dueJobIds(db.kysely, ['deliver', 'sessions.expire', 'retention.run'], now, 10, false));
    expect(general[0]).toMatch(/^SEARCH jobs USING INDEX jobs_claim_idx \(status=\? AND type=\? AND run_at<\?\)$/);
    expect(general.join('\n')).not.toMatch(/SCAN/);
  });

  it('the sweep finds finished jobs through the same index, not by reading every done job', async () => {
    const steps = await plan(finishedJobIds(db.kysely, ['deliver', 'pos.apply_event'], new Date().toISOString()));
    expect(steps).toEqual([expect.stringMatching(/^SEARCH jobs USING INDEX jobs_claim_idx \(status=\? AND type=\? AND run_at<\?\)$/)]);
  });

  it('copied-feedback candidates come from the index alone; signatures through (session_id, kind)', async () => {
    const keys = Array.from({ length: 32 }, (_, i) => `band-${i}`);
    expect((await plan(candidateSessions(db.kysely, keys, 'me'))).join('\n')).toMatch(/SEARCH text_fingerprints USING COVERING INDEX text_fingerprints_key_kind_session_idx \(key=\? AND kind=\?\)/);
    const ids = Array.from({ length: 200 }, (_, i) => `session-${i}`);
    expect(await plan(storedSignatures(db.kysely, ids))).toEqual([expect.stringMatching(/^SEARCH text_fingerprints USING INDEX text_fingerprints_session_kind_idx \(session_id=\? AND kind=\?\)$/)]);
  });
});
