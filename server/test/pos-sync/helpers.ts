import { configSchema } from '../../src/config/schema.js';
import { posSyncConfig, type PosSyncConfig } from '../../src/pos-sync/config.js';
import { PosApiClient } from '../../src/pos-sync/api-client.js';
import { ProviderEndpoints, type SwitchEvent } from '../../src/pos-sync/endpoints.js';
import { createPosSyncMetrics } from '../../src/pos-sync/metrics.js';
import { createMetrics } from '../../src/ops/metrics.js';
import type { PosProvider } from '../../src/pos/providers/types.js';

export function testSyncConfig(env: Record<string, string> = {}): PosSyncConfig {
  // A 1.5 s timeout: a stalled machine's normal answer must not count as a timeout (and an extra retry).
  return posSyncConfig(configSchema.parse({ POS_API_RETRY_BASE_MS: '5', POS_API_TIMEOUT_MS: '1500', POS_BREAKER_FAILURES: '2', ...env }));
}

/** A client over the given endpoint URLs per provider, recording every switch. */
export function clientFor(urls: Partial<Record<PosProvider, string[]>>, env: Record<string, string> = {}) {
  const cfg = testSyncConfig(env);
  const switches: SwitchEvent[] = [];
  const sets = {} as Record<PosProvider, ProviderEndpoints>;
  for (const p of ['square', 'shopify', 'zettle'] as const) sets[p] = new ProviderEndpoints(p, urls[p] ?? cfg.baseUrls[p], cfg, (e) => switches.push(e));
  const metrics = createMetrics();
  const posMetrics = createPosSyncMetrics(metrics, () => []);
  const client = new PosApiClient(cfg, sets, posMetrics);
  return { cfg, client, sets, switches, metrics, posMetrics, close: () => Promise.all(Object.values(sets).map((s) => s.close())) };
}
