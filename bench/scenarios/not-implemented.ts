/**
 * Scenarios 5 and 6 of the benchmark issue measure features that do not exist yet. They are recorded as
 * "not implemented" (not as passed) so the performance document keeps the gap visible.
 */
import type { ScenarioResult } from '../lib/results.js';
import { resultHead, type ScenarioContext } from '../lib/scenario.js';

function notImplemented(ctx: ScenarioContext, scenario: string, number: number, title: string, why: string, plan: string): ScenarioResult {
  ctx.log(`  not yet implemented: ${why}`);
  return { ...resultHead(ctx, scenario, number, title, new Date()), status: 'not_implemented', setup: {}, targets: [], notes: [why, plan] };
}

export async function runAnalytics(ctx: ScenarioContext): Promise<ScenarioResult> {
  return notImplemented(
    ctx,
    'analytics',
    5,
    'Dashboard analytics',
    'Not yet implemented: the server has no dashboard/analytics queries yet (merchants see feedback and trends only once the dashboard API exists).',
    'When the dashboard API lands, this scenario should seed a large data set with `npm run seed:data -- --feedback N`, drive the dashboard endpoints with autocannon and compare p95 with the live probe, like scenario 2.',
  );
}

export async function runOutbound(ctx: ScenarioContext): Promise<ScenarioResult> {
  return notImplemented(
    ctx,
    'outbound',
    6,
    'Outbound delivery',
    'Not yet implemented: there is no outbound delivery (merchant webhooks / notifications) in the server yet.',
    'When it exists, this scenario should measure delivery throughput and lag through the durable job queue against a local receiver, with retries under injected receiver failures.',
  );
}
