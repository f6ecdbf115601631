import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, backendUnavailable, openTestDatabase } from '../helpers/platform.js';
import { newId, nowIso } from '../../src/core/ids.js';

describe.skipIf(backendUnavailable)(`durable writes (${backend})`, () => {
  let t: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  const audit = (action: string) => ({ id: newId(), actor: 'test', action, target_type: 'x', target_id: null, details: null, ip: null, created_at: nowIso() });

  it('commits concurrent writes, and one failing write does not undo the others', async () => {
    const before = t.db.writer.batches;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        t.db.writer.run(async (trx) => {
          await trx.insertInto('audit_log').values(audit(`gc-${i}`)).execute();
          if (i === 7) throw new Error('op 7 fails');
          return i;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const rows = await t.db.kysely.selectFrom('audit_log').select('action').where('action', 'like', 'gc-%').execute();
    expect(rows).toHaveLength(49);
    expect(rows.map((r) => r.action)).not.toContain('gc-7');
    if (backend === 'sqlite') {
      // Group commit: 50 concurrent writes shared far fewer commits (one fsync each).
      expect(t.db.writer.batches - before).toBeLessThan(5);
    }
  });

  it('a write is visible to readers once its promise resolves', async () => {
    const row = audit('visible');
    await t.db.writer.run((trx) => trx.insertInto('audit_log').values(row).execute());
    expect(await t.db.kysely.selectFrom('audit_log').select('id').where('id', '=', row.id).executeTakeFirst()).toEqual({ id: row.id });
  });
});
