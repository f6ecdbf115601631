/**
 * `npx tsx bench/profiles/sqlite-floor.ts [events]` — the native floor of webhook ingest on SQLite: the
 * statements one webhook costs (receipt: event + job insert; apply: read event, upsert sale, refund sum,
 * mark event and job), run with prepared better-sqlite3 statements in batches of 50 per transaction,
 * with synchronous=NORMAL so the figure is CPU, not disk. Prints µs per event for each phase.
 */
import Database from 'better-sqlite3';
import { createThrowaway } from '../lib/env.js';
import { seedData } from '../lib/seed.js';
import { newId, nowIso } from '../../server/src/core/ids.js';

const N = Number(process.argv[2] ?? 20000);
const BATCH = 50;

async function main(): Promise<void> {
  const t = await createThrowaway('sqlite', 'floor');
  const seeded = await seedData(t.seedTarget, { transactions: 0, locations: 12, days: 1, feedback: 0, locationsPerBusiness: 3 });
  const db = new Database((t.database as { file: string }).file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536');
  const insEvent = db.prepare(`insert into "webhook_events" ("id","connection_id","provider","event_id","event_type","status","effect","received_at","processed_at","error") values (?,?,?,?,?,?,?,?,?,?) on conflict ("connection_id","event_id") do nothing returning "id"`);
  const insJob = db.prepare(`insert into "jobs" ("id","type","payload","status","attempts","max_attempts","run_at","locked_by","locked_until","last_error","created_at","updated_at") values (?,?,?,?,?,?,?,?,?,?,?,?)`);
  const selEvent = db.prepare(`select * from "webhook_events" where "id" = ?`);
  const selConn = db.prepare(`select "id","business_id","location_id","provider" from "pos_connections" where "id" = ?`);
  const upsert = db.prepare(`insert into "transactions" ("id","business_id","location_id","connection_id","provider","external_id","amount_minor","currency","occurred_at","card_last4","line_item_count","status","refunded_amount_minor","created_at","updated_at") values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) on conflict ("connection_id","external_id") do update set "amount_minor"="excluded"."amount_minor","updated_at"=? returning "id"`);
  const selTx = db.prepare(`select "id","amount_minor","refunded_amount_minor","status" from "transactions" where "connection_id" = ? and "external_id" = ?`);
  const sumRef = db.prepare(`select coalesce(sum("amount_minor"),0) as "total" from "transaction_refunds" where "connection_id" = ? and "external_payment_id" = ? and "status" in (?,?)`);
  const updEvent = db.prepare(`update "webhook_events" set "status" = ?, "processed_at" = ? where "id" = ?`);
  const updJob = db.prepare(`update "jobs" set "status" = ?, "last_error" = null, "locked_by" = null, "locked_until" = null, "updated_at" = ? where "id" = ? and "locked_by" = ? and "status" = ?`);
  const events: { id: string; jobId: string; conn: (typeof seeded.connections)[number]; ext: string }[] = [];
  const effect = JSON.stringify({ kind: 'sale', sale: { externalId: 'x', amountMinor: 12345, currency: 'SEK', occurredAt: nowIso(), cardLast4: '1234', lineItemCount: 2 } });

  const t0 = performance.now();
  for (let b = 0; b < N; b += BATCH) {
    db.transaction(() => {
      for (let i = b; i < Math.min(N, b + BATCH); i++) {
        const conn = seeded.connections[i % seeded.connections.length]!;
        const e = { id: newId(), jobId: newId(), conn, ext: `pay_${i}_${newId()}` };
        const now = nowIso();
        insEvent.get(e.id, conn.id, conn.provider, `evt_${e.ext}`, 'payment.created', 'received', effect, now, null, null);
        insJob.run(e.jobId, 'pos.apply_event', JSON.stringify({ eventRowId: e.id }), 'running', 1, 10, now, 'w1', now, null, now, now);
        events.push(e);
      }
    })();
  }
  const t1 = performance.now();
  for (let b = 0; b < N; b += BATCH) {
    db.transaction(() => {
      for (let i = b; i < Math.min(N, b + BATCH); i++) {
        const e = events[i]!;
        const now = nowIso();
        selEvent.get(e.id);
        const c = selConn.get(e.conn.id) as { business_id: string; location_id: string };
        upsert.get(newId(), c.business_id, c.location_id, e.conn.id, e.conn.provider, e.ext, 12345, 'SEK', now, '1234', 2, 'completed', 0, now, now, now);
        selTx.get(e.conn.id, e.ext);
        sumRef.get(e.conn.id, e.ext, 'pending', 'completed');
        updEvent.run('processed', now, e.id);
        updJob.run('done', now, e.jobId, 'w1', 'running');
      }
    })();
  }
  const t2 = performance.now();
  process.stdout.write(`receipt statements ${(((t1 - t0) * 1000) / N).toFixed(1)} µs/event; apply statements ${(((t2 - t1) * 1000) / N).toFixed(1)} µs/event\n`);
  db.close();
  await t.drop();
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
