import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, backendUnavailable, openTestDatabase } from '../helpers/platform.js';
import { prepared } from '../../src/db/prepared.js';
import { newId, nowIso } from '../../src/core/ids.js';
import type { AuditLogTable } from '../../src/db/schema.js';

describe.skipIf(backendUnavailable)(`prepared queries (${backend})`, () => {
  let t: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  let builds = 0;
  const COLUMNS = ['id', 'actor', 'action', 'target_type', 'target_id', 'details', 'ip', 'created_at'] as const;
  const insertAudit = prepared<AuditLogTable, { id: string }>(COLUMNS, (db, row) => {
    builds += 1;
    return db.insertInto('audit_log').values(row).returning('id');
  });
  // 'prepared-test' is a constant of the query; actor and action are bound per call.
  const rename = prepared<{ id: string; action: string }, never>(['id', 'action'], (db, p) =>
    db.updateTable('audit_log').set({ action: p.action, target_type: 'prepared-test' }).where('id', '=', p.id),
  );
  const row = (action: string): AuditLogTable => ({ id: newId(), actor: 'test', action, target_type: 'x', target_id: null, details: null, ip: null, created_at: nowIso() });
  const read = (id: string) => t.db.kysely.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirst();

  it('binds new values on every call while building and compiling once per database', async () => {
    const a = row('first');
    const b = { ...row('second'), target_id: 'target-2', details: '{"n":2}' };
    expect((await insertAudit.execute(t.db.kysely, a)).rows).toEqual([{ id: a.id }]);
    await t.db.writer.run((trx) => insertAudit.execute(trx, b)); // inside a transaction: the same compiled query
    expect(await read(a.id)).toEqual(a);
    expect(await read(b.id)).toEqual(b);
    expect(builds).toBe(1);
    expect(insertAudit.sql(t.db.kysely)).toMatch(/insert into "audit_log"/);
  });

  it('keeps constants of the query and reports affected rows', async () => {
    const a = row('before');
    await insertAudit.execute(t.db.kysely, a);
    expect(Number((await rename.execute(t.db.kysely, { id: a.id, action: 'after' })).numAffectedRows)).toBe(1);
    expect(await read(a.id)).toMatchObject({ action: 'after', target_type: 'prepared-test', actor: 'test' });
    expect(Number((await rename.execute(t.db.kysely, { id: 'no-such-id', action: 'x' })).numAffectedRows)).toBe(0);
  });

  it('refuses a call that leaves a value out, instead of binding the placeholder', async () => {
    await expect(rename.execute(t.db.kysely, { id: 'x' } as never)).rejects.toThrow(/no value for action/);
  });
});
