import type { AppContext } from '../http/context.js';

/** The seed's delivery SLA per POS provider (share of webhooks processed successfully). */
export const PROVIDER_SLA_TARGETS = { square: 0.99, shopify: 0.985, zettle: 0.98 } as const;
export type SlaProvider = keyof typeof PROVIDER_SLA_TARGETS;

const STANDARD_WINDOWS = [
  { key: '1h', hours: 1 },
  { key: '24h', hours: 24 },
  { key: '7d', hours: 168 },
];

export interface WindowDef {
  key: string;
  hours: number;
}

export function windowsFor(hours: number | undefined): WindowDef[] {
  if (hours === undefined || STANDARD_WINDOWS.some((w) => w.hours === hours)) return STANDARD_WINDOWS;
  return [...STANDARD_WINDOWS, { key: `${hours}h`, hours }];
}

/** succeeded / (succeeded + failed); null when nothing finished in the window. */
export function successRate(succeeded: number, failed: number): number | null {
  const total = succeeded + failed;
  return total === 0 ? null : Math.round((succeeded / total) * 100_000) / 100_000;
}

const since = (now: number, hours: number) => new Date(now - hours * 3_600_000).toISOString();

/**
 * Inbound: a POS webhook succeeded when it was processed (or deliberately ignored); it failed when its
 * job failed or it went to the dead-letter table (valid signature, unusable payload). Received events
 * still waiting for their job count as pending, not as failures.
 */
async function providerWindow(ctx: AppContext, provider: SlaProvider, from: string) {
  const events = await ctx.db.kysely.selectFrom('webhook_events').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('provider', '=', provider).where('received_at', '>=', from).groupBy('status').execute();
  const dead = await ctx.db.kysely.selectFrom('webhook_dead_letters').select((eb) => eb.fn.countAll<number>().as('n')).where('provider', '=', provider).where('received_at', '>=', from).executeTakeFirst();
  const by = Object.fromEntries(events.map((e) => [e.status, Number(e.n)]));
  const succeeded = (by.processed ?? 0) + (by.ignored ?? 0);
  const failed = (by.failed ?? 0) + Number(dead?.n ?? 0);
  const rate = successRate(succeeded, failed);
  const target = PROVIDER_SLA_TARGETS[provider];
  return { succeeded, failed, pending: by.received ?? 0, successRate: rate, meetsTarget: rate === null ? null : rate >= target };
}

async function endpointWindows(ctx: AppContext, from: string, businessId: string | undefined) {
  let q = ctx.db.kysely.selectFrom('webhook_deliveries').select(['endpoint_id', 'status', (eb) => eb.fn.countAll<number>().as('n')]).where('created_at', '>=', from).groupBy(['endpoint_id', 'status']);
  if (businessId) q = q.where('business_id', '=', businessId);
  const rows = await q.execute();
  const out = new Map<string, { delivered: number; dead: number; pending: number }>();
  for (const r of rows) {
    const e = out.get(r.endpoint_id) ?? { delivered: 0, dead: 0, pending: 0 };
    if (r.status === 'delivered') e.delivered += Number(r.n);
    else if (r.status === 'dead') e.dead += Number(r.n);
    else e.pending += Number(r.n);
    out.set(r.endpoint_id, e);
  }
  return out;
}

export async function webhookStats(ctx: AppContext, q: { provider?: SlaProvider | undefined; hours?: number | undefined; businessId?: string | undefined }, now = Date.now()) {
  const windows = windowsFor(q.hours);
  const providers = q.provider ? [q.provider] : (Object.keys(PROVIDER_SLA_TARGETS) as SlaProvider[]);
  const inbound = [];
  for (const provider of providers) {
    const w: Record<string, Awaited<ReturnType<typeof providerWindow>>> = {};
    for (const win of windows) w[win.key] = await providerWindow(ctx, provider, since(now, win.hours));
    inbound.push({ provider, target: PROVIDER_SLA_TARGETS[provider], windows: w });
  }
  let eq = ctx.db.kysely.selectFrom('webhook_endpoints').select(['id', 'business_id', 'url', 'circuit_state', 'enabled']).where('deleted_at', 'is', null).orderBy('id');
  if (q.businessId) eq = eq.where('business_id', '=', q.businessId);
  const endpoints = await eq.execute();
  const perWindow = await Promise.all(windows.map((w) => endpointWindows(ctx, since(now, w.hours), q.businessId)));
  const outbound = endpoints.map((ep) => ({
    endpointId: ep.id,
    businessId: ep.business_id,
    url: ep.url,
    enabled: ep.enabled === 1,
    circuitState: ep.circuit_state,
    windows: Object.fromEntries(
      windows.map((w, i) => {
        const c = perWindow[i]!.get(ep.id) ?? { delivered: 0, dead: 0, pending: 0 };
        return [w.key, { ...c, successRate: successRate(c.delivered, c.dead) }];
      }),
    ),
  }));
  return { generatedAt: new Date(now).toISOString(), windows, providers: inbound, endpoints: outbound };
}
