import type { AppContext } from '../http/context.js';
import { getBusinessRow } from '../businesses/business-service.js';
import { getBusinessSettings } from '../settings/business-settings.js';
import type { ScoringContext, BusinessType } from '../scoring/types.js';

/** What the scorer and the follow-ups know about the business: its type, what it sells, staff, and its own questions. */
export async function loadScoringContext(ctx: AppContext, businessId: string): Promise<ScoringContext> {
  const [business, settings, questions] = await Promise.all([
    getBusinessRow(ctx.db, businessId),
    getBusinessSettings(ctx.db, businessId),
    ctx.db.kysely.selectFrom('business_questions').select(['id', 'text']).where('business_id', '=', businessId).where('active', '=', 1).orderBy('position').orderBy('id').execute(),
  ]);
  return {
    businessName: business.name,
    businessType: business.business_type as BusinessType,
    sells: settings.context.sells || undefined,
    staffNames: settings.context.staffNames,
    knownIssues: settings.context.knownIssues || undefined,
    campaigns: settings.context.campaigns || undefined,
    questions,
  };
}
