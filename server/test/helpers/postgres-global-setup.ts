import pg from 'pg';

export const PG_ADMIN_URL = process.env.KVITTRA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The PostgreSQL project needs a server. In CI (CI=true) a missing server fails the run instead of
 * skipping, so a green CI always means the PostgreSQL suite ran.
 */
export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    const msg = `PostgreSQL is not reachable at ${PG_ADMIN_URL}: ${(err as Error).message}`;
    if (process.env.CI === 'true' || process.env.KVITTRA_REQUIRE_POSTGRES === 'true') throw new Error(msg);
    process.env.KVITTRA_PG_UNAVAILABLE = msg;
    console.warn(`\n⚠ ${msg}\n⚠ PostgreSQL tests are skipped on this machine (they never skip when CI=true).\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
