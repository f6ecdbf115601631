import path from 'node:path';
import { loadConfig, ConfigError, type Config } from './config/load.js';
import { startPlatform } from './platform.js';
import { seedDemoData } from './cli/demo-data.js';

/**
 * The admin token is shown only by the start that generated it (once, so the developer can copy it); later
 * starts say where it is kept. A token from the environment is never printed: terminal scroll-back, CI logs
 * and log collectors keep stdout.
 */
function adminTokenLine(config: Config): string {
  const file = path.join(config.dataDir, 'secrets.json');
  if (config.adminTokenFrom === 'environment') return 'set by ADMIN_TOKEN (not shown)';
  if (config.generatedSecrets.includes('ADMIN_TOKEN')) return `${config.adminToken}  (generated now and shown only this once; kept in ${file})`;
  return `kept in ${file}`;
}

function printBanner(config: Config, url: string, demo: Awaited<ReturnType<typeof seedDemoData>>): void {
  const lines = [
    '',
    `  Kvittra is running at ${config.publicBaseUrl} (listening on ${url}, ${config.database.kind})`,
    `  API docs:      ${config.publicBaseUrl}/docs`,
    `  Health:        ${config.publicBaseUrl}/health`,
  ];
  lines.push(`  Admin token:   ${adminTokenLine(config)}`);
  if (config.env !== 'production') {
    lines.push(`  Try it:        curl -H "Authorization: Bearer $ADMIN_TOKEN" ${config.publicBaseUrl}/admin/businesses`);
    if (demo) {
      lines.push(`  Demo webhook:  npm run demo:webhook    (a signed Square sale for "${demo.businessName}", then listed under its transactions)`);
      lines.push('  Demo loop:     npm run demo:feedback   (sale → QR session → verify → feedback → score → reward → Swish number)');
    }
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee the configuration table in README.md.\n`);
      process.exit(1);
    }
    throw err;
  }
  const platform = await startPlatform(config);
  const demo = config.env === 'development' ? await seedDemoData(platform.ctx) : null;
  printBanner(config, platform.url, demo);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    platform.ctx.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      platform.ctx.log.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    platform.close().then(
      () => process.exit(0),
      (err: unknown) => {
        platform.ctx.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Kvittra failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
