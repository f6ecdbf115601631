/**
 * `npm run seed:data -- --transactions N --locations L --days D --feedback F [--seed S] [--database-url URL]`
 *
 * Fills the database the server would use (DATABASE_URL / DATA_DIR from the environment, as `npm start`
 * resolves them; --database-url overrides) with businesses, locations, POS connections and realistic
 * Swedish card sales, so the API and later dashboards can be tried at volume. Tenants are added, never
 * replaced: running it twice doubles the data. Encrypted signing keys use the same ENCRYPTION_KEY the
 * server loads (generated into DATA_DIR/secrets.json outside production), so webhooks verify.
 */
import { loadConfig, ConfigError } from '../server/src/config/load.js';
import { flagNumber, flagString, parseArgs } from './lib/args.js';
import { seedData } from './lib/seed.js';

const VALUE_FLAGS = ['transactions', 'locations', 'days', 'feedback', 'seed', 'database-url', 'locations-per-business'] as const;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), VALUE_FLAGS);
  if (args.flags.has('help')) {
    process.stdout.write(`Usage: npm run seed:data -- [--transactions 1000000] [--locations 100] [--days 30] [--feedback 1000] [--locations-per-business 4] [--seed N] [--database-url URL]\n`);
    return;
  }
  const unknown = [...args.flags.keys()].filter((k) => !(VALUE_FLAGS as readonly string[]).includes(k));
  if (unknown.length > 0 || args.positional.length > 0) throw new Error(`Unknown arguments: ${[...unknown.map((k) => `--${k}`), ...args.positional].join(' ')}`);
  const env = { ...process.env };
  const url = flagString(args, 'database-url');
  if (url) env.DATABASE_URL = url;
  const config = loadConfig(env);
  const where = config.database.kind === 'sqlite' ? config.database.file : config.database.url.replace(/\/\/[^@/]*@/, '//…@');
  const opts = {
    transactions: Math.round(flagNumber(args, 'transactions', 1_000_000)),
    locations: Math.round(flagNumber(args, 'locations', 100)),
    days: Math.round(flagNumber(args, 'days', 30)),
    feedback: Math.round(flagNumber(args, 'feedback', 1000)),
    locationsPerBusiness: Math.round(flagNumber(args, 'locations-per-business', 4)),
    seed: Math.round(flagNumber(args, 'seed', Date.now() % 1_000_000_007)),
  };
  process.stdout.write(`Seeding ${config.database.kind} at ${where}: ${opts.transactions.toLocaleString('sv-SE')} transactions, ${opts.locations} locations, ${opts.days} days, ${opts.feedback} feedback sessions (seed ${opts.seed})\n`);
  const result = await seedData({ database: config.database, encryptionKey: config.encryptionKey, publicBaseUrl: config.publicBaseUrl }, { ...opts, progress: true, log: (l) => process.stdout.write(`${l}\n`) });
  process.stdout.write(`Done in ${result.seconds.toFixed(1)} s.\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`seed:data failed: ${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
