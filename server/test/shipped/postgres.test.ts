/**
 * The shipped server on a scratch PostgreSQL database: it loads `pg` on first use (lazyRequire, bundled),
 * runs every migration, reports ready on PostgreSQL, and turns one signed POS webhook into a transaction.
 *
 * @covers pg
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { squarePayment } from '../helpers/pos-payloads.js';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';
import { connect, drain, transactionsOf } from '../helpers/webhook-helpers.js';

describe.skipIf(!!process.env.KVITTRA_PG_UNAVAILABLE)('the shipped server on PostgreSQL', () => {
  let p: ServedPlatform;

  beforeAll(async () => {
    p = await startServedPlatform({}, 'postgres server', { backend: 'postgres' });
  });
  afterAll(async () => p?.stop());

  it('migrates, reports ready on PostgreSQL and ingests a signed webhook into a transaction', async () => {
    expect(p.databaseUrl).toMatch(/^postgres:\/\//);
    const ready = await p.api('GET', '/api/health/ready');
    expect(ready.status, ready.text).toBe(200);
    expect(ready.body).toMatchObject({ ok: true, database: { ok: true, dialect: 'postgres' } });
    // Kysely's migration table in the scratch database: the server ran the migrations there.
    const migrations = await sql<{ n: string }>`select count(*) as n from kysely_migration`.execute(p.ctx.db.kysely);
    expect(Number(migrations.rows[0]!.n)).toBeGreaterThan(0);

    const c = await connect(p, 'square');
    const wh = squarePayment(c, { amount: 14_900, paymentId: 'PSHIPPEDPG1' });
    const res = await p.api('POST', wh.path, wh.body, wh.headers);
    expect(res.status, res.text).toBe(200);
    await drain(p);
    const txs = await transactionsOf(p, c.businessId);
    expect(txs.map((t) => [t.externalId, t.amountMinor, t.status])).toEqual([['PSHIPPEDPG1', 14_900, 'completed']]);
    // No SQLite checkpoint thread on PostgreSQL.
    expect((await p.admin('GET', '/metrics')).text).not.toContain('sqlite_checkpoint_thread_up');
  });
});
