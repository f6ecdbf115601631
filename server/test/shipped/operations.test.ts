/**
 * Operational surfaces of the shipped server: the integrity check runs SQLite's quick_check on a worker thread
 * that loads better-sqlite3 by path from the bundle's location, and METRICS_PORT serves /metrics on its own
 * loopback listener (and not on the main port).
 *
 * @covers db/integrity-thread.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/process-server.js';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';

describe('the shipped server’s operational surfaces', () => {
  let p: ServedPlatform;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    p = await startServedPlatform({ METRICS_PORT: String(metricsPort) }, 'operations server');
  });
  afterAll(async () => p?.stop());

  it('checks the database on a worker thread, for operators only', async () => {
    expect((await p.api('GET', '/admin/health/integrity')).status).toBe(401);
    const res = await p.admin('GET', '/admin/health/integrity?fresh=true');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ ok: true, dialect: 'sqlite', details: [], cached: false });
  });

  it('serves /metrics on METRICS_PORT only', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^sqlite_checkpoint_thread_up 1$/m);
    expect((await p.admin('GET', '/metrics')).status).toBe(404);
  });
});
