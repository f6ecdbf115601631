import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { actorOf } from '../auth/admin-auth.js';
import { getBusinessRow } from '../businesses/business-service.js';
import { getBusinessSettings } from '../settings/business-settings.js';
import { ceilingProblems } from './billing.js';
import { getBusinessBilling, getPlatformBilling, updateBusinessBilling, updatePlatformBilling, type EffectiveBilling } from './billing-store.js';

const ZBusinessParams = z.object({ businessId: z.uuid() });
const ZPatch = z.record(z.string(), z.unknown());

/**
 * Operator-only billing: the platform's VAT and defaults, and per business its commission, commission tiers,
 * reward ceilings and money-review rules. Every change is audited with old and new values. Owners only read
 * their ceilings (and how long a connection they key themselves is on probation).
 */
export function billingRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  async function businessBillingDto(businessId: string, effective: EffectiveBilling) {
    const { rewards } = await getBusinessSettings(ctx.db, businessId);
    // Saved before the ceilings existed or before an operator lowered them: clamped when rewards are computed.
    return { businessId, source: effective.source, vatBps: effective.vatBps, ...effective.billing, ownerSettingsBeyondCeilings: ceilingProblems(rewards, effective.billing.ceilings) };
  }

  return async (app) => {
    app.get('/admin/platform/billing', { config: { access: 'operator' }, schema: { tags: ['admin'], summary: 'Platform billing: VAT on the commission and the defaults of businesses without their own billing' } }, async () => getPlatformBilling(ctx.db.kysely));

    app.patch('/admin/platform/billing', { config: { access: 'operator' }, schema: { tags: ['admin'], summary: 'Change platform VAT or defaults (deep-merged, validated, audited with old and new values)', body: ZPatch } }, async (req) => (await updatePlatformBilling(ctx.db, req.body, actorOf(req))).billing);

    app.get('/admin/businesses/:businessId/billing', { config: { access: 'operator' }, schema: { tags: ['admin'], summary: "A business's commission, commission tiers, reward ceilings and review rules (its own, or the platform defaults)", params: ZBusinessParams } }, async (req) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      return businessBillingDto(req.params.businessId, await getBusinessBilling(ctx.db.kysely, req.params.businessId));
    });

    app.patch('/admin/businesses/:businessId/billing', { config: { access: 'operator' }, schema: { tags: ['admin'], summary: "Change a business's billing (deep-merged over its effective billing, validated, audited with old and new values)", params: ZBusinessParams, body: ZPatch } }, async (req) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      const { billing } = await updateBusinessBilling(ctx.db, req.params.businessId, req.body, actorOf(req));
      return businessBillingDto(req.params.businessId, billing);
    });

    app.get('/admin/businesses/:businessId/reward-ceilings', { config: { access: 'tenant' }, schema: { tags: ['admin'], summary: "The ceilings the business's reward settings must stay inside, and the probation of self-keyed POS connections", params: ZBusinessParams } }, async (req) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      const { billing } = await getBusinessBilling(ctx.db.kysely, req.params.businessId);
      return { ceilings: billing.ceilings, review: { newConnectionDays: billing.review.newConnectionDays } };
    });
  };
}
