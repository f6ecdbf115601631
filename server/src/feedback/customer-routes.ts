import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { BUSINESS_TYPE_LABELS_SV, type BusinessType } from '../businesses/business-types.js';
import { getBusinessSettings } from '../settings/business-settings.js';
import { authenticateSession, createSession, findPublicLocation, type PublicLocation } from './session-service.js';
import { verifyPurchase } from './verify-service.js';
import { budgetKeys } from './verify-budget.js';
import { DbBudgetGuard, RedisBudgetGuard, type VerifyBudgetGuard } from './verify-budget-store.js';
import { clientIdentity, setDeviceCookie } from './client-identity.js';
import { submitClaim } from './store-claim-service.js';
import { assertAcceptsFeedback, finishConversation, submitTurn, describeSession } from './conversation-service.js';
import { readFeedbackRequest } from './feedback-input.js';
import { registerPayoutPhone } from './payout-phone-service.js';
import { ZConsentField, currentConsent, requireConsent } from './consent.js';
import { getTrialStatus } from '../businesses/trial.js';
import { voiceCapabilities } from './voice-stream-routes.js';

const ZSessionParams = z.object({ sessionId: z.string().max(64) });
const ZLocale = z.enum(['sv', 'en']).default('sv');

/** The token issued at session creation, as `Authorization: Bearer …` or `X-Session-Token`. */
function sessionToken(req: FastifyRequest): string | undefined {
  const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const header = req.headers['x-session-token'];
  return auth?.[1] ?? (typeof header === 'string' ? header : undefined);
}

/**
 * The device and address hashes a new session stores. A client with neither a valid device cookie nor an
 * X-Device-Id gets a cookie with a fresh id, and that id is its device from now on.
 */
function sessionClient(ctx: AppContext, req: FastifyRequest, reply: FastifyReply) {
  const id = clientIdentity(ctx, req);
  if (id.newCookieId) setDeviceCookie(ctx, reply, id.newCookieId);
  return { ipHash: id.ipHash, deviceHash: id.deviceHash ?? (id.newCookieId ? ctx.services.pii.hash('device', id.newCookieId) : null) };
}

/** Budgets live in Redis when it is configured (shared like the rate limits), otherwise in the database. */
function budgetGuard(ctx: AppContext, redis: Redis | undefined): VerifyBudgetGuard {
  const db = new DbBudgetGuard(ctx.db);
  return redis ? new RedisBudgetGuard(redis, ctx.config.redisKeyPrefix, ctx.db, db, ctx.log) : db;
}

/** A 429 from the verification budgets says when to come back, in Retry-After as well as in its details. */
async function withRetryAfter<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const wait = err instanceof AppError ? (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
    if (wait !== undefined) reply.header('retry-after', String(wait));
    throw err;
  }
}

async function locationDto(ctx: AppContext, loc: PublicLocation) {
  const settings = await getBusinessSettings(ctx.db, loc.businessId);
  return {
    locationId: loc.locationId,
    businessName: loc.businessName,
    locationName: loc.locationName,
    businessType: loc.businessType,
    businessTypeLabel: BUSINESS_TYPE_LABELS_SV[loc.businessType as BusinessType],
    languages: settings.languages,
    voiceAvailable: ctx.services.transcriber !== null,
    // False once the shop's trial ended without an active plan: feedback is welcome but earns nothing.
    rewardsAvailable: (await getTrialStatus(ctx, loc.businessId)).rewardsAvailable,
    voice: voiceCapabilities(ctx),
  };
}

/** The customer app's API: public, no account, rate-limited per IP; each session is guarded by its token. */
export function customerRoutes(ctx: AppContext, opts: { redis?: Redis } = {}): FastifyPluginAsyncZod {
  const perIp = (max: number) => ({ rateLimit: { max, timeWindow: '1 minute' } });
  const budget = budgetGuard(ctx, opts.redis);
  return async (app) => {
    app.get('/api/v1/locations/by-qr/:qrToken', { schema: { tags: ['customer'], summary: 'Look up the shop behind a QR code', params: z.object({ qrToken: z.string().max(64) }) }, config: perIp(120) }, async (req) =>
      locationDto(ctx, await findPublicLocation(ctx.db, { qrToken: req.params.qrToken })),
    );

    app.get('/api/v1/locations/by-store-code/:storeCode', { schema: { tags: ['customer'], summary: 'Look up the shop behind a 6-digit store code', params: z.object({ storeCode: z.string().regex(/^\d{6}$/) }) }, config: perIp(30) }, async (req) =>
      locationDto(ctx, await findPublicLocation(ctx.db, { storeCode: req.params.storeCode })),
    );

    app.get('/api/v1/consent', { schema: { tags: ['customer'], summary: 'The privacy consent to show before a session (version + Swedish/English text)' }, config: perIp(120) }, async () => currentConsent());

    app.post(
      '/api/v1/feedback-sessions',
      {
        schema: { tags: ['customer'], summary: 'Start a feedback session (lives 30 minutes)', body: z.union([z.object({ qrToken: z.string().min(1).max(64), locale: ZLocale, consent: ZConsentField }).strict(), z.object({ storeCode: z.string().regex(/^\d{6}$/), locale: ZLocale, consent: ZConsentField }).strict()]) },
        config: perIp(30),
      },
      async (req, reply) => {
        const body = req.body as { qrToken?: string; storeCode?: string; locale: 'sv' | 'en'; consent?: unknown };
        // Consent first: nothing about the customer is stored without it.
        const consent = requireConsent(body.consent);
        const loc = await findPublicLocation(ctx.db, body);
        const created = await createSession(ctx.db, loc, { channel: body.qrToken ? 'qr' : 'store_code', locale: body.locale, consentVersion: consent.version, ...sessionClient(ctx, req, reply) });
        ctx.metrics.countFeedbackSession(loc.businessId, 'created', 'none');
        return reply.status(201).send({ ...created, location: await locationDto(ctx, loc) });
      },
    );

    app.get('/api/v1/feedback-sessions/:sessionId', { schema: { tags: ['customer'], summary: 'Session state, conversation and result (to resume)', params: ZSessionParams } }, async (req) => {
      const session = await authenticateSession(ctx.db, req.params.sessionId, sessionToken(req), { allowExpired: true });
      return describeSession(ctx, session);
    });

    app.post(
      '/api/v1/feedback-sessions/:sessionId/verify',
      { schema: { tags: ['customer'], summary: 'Prove a purchase: amount and time matched against POS transactions', params: ZSessionParams, body: z.object({ amount: z.string().max(32), purchasedAt: z.string().max(64), cardLast4: z.string().max(8).optional() }).strict() }, config: perIp(60) },
      async (req, reply) =>
        withRetryAfter(reply, async () => {
          const session = await authenticateSession(ctx.db, req.params.sessionId, sessionToken(req));
          return verifyPurchase(ctx, session, req.body, { keys: budgetKeys(clientIdentity(ctx, req), session.location_id), budget });
        }),
    );

    app.post(
      '/api/v1/feedback-sessions/:sessionId/claim',
      { schema: { tags: ['customer'], summary: 'Store-code path: claim a purchase for the shop to verify', params: ZSessionParams, body: z.object({ amount: z.string().max(32), purchasedAt: z.string().max(64), phone: z.string().max(32) }).strict() }, config: perIp(30) },
      async (req) => submitClaim(ctx, await authenticateSession(ctx.db, req.params.sessionId, sessionToken(req)), req.body),
    );

    app.post(
      '/api/v1/feedback-sessions/:sessionId/feedback',
      { schema: { tags: ['customer'], summary: 'Give feedback (JSON {text, finish?} or multipart audio); one conversation turn', params: ZSessionParams }, config: perIp(60), bodyLimit: 1024 * 1024 },
      async (req) => {
        const session = await authenticateSession(ctx.db, req.params.sessionId, sessionToken(req));
        assertAcceptsFeedback(session); // before reading: no transcription for a session that cannot take feedback
        const input = await readFeedbackRequest(ctx, req, session);
        return submitTurn(ctx, session, input);
      },
    );

    app.post('/api/v1/feedback-sessions/:sessionId/finish', { schema: { tags: ['customer'], summary: 'End the conversation and get the score and reward', params: ZSessionParams }, config: perIp(60) }, async (req) =>
      finishConversation(ctx, await authenticateSession(ctx.db, req.params.sessionId, sessionToken(req))),
    );

    app.post(
      '/api/v1/feedback-sessions/:sessionId/payout',
      { schema: { tags: ['customer'], summary: 'Register the Swish number for the reward', params: ZSessionParams, body: z.object({ phone: z.string().max(32) }).strict() }, config: perIp(30) },
      async (req) => registerPayoutPhone(ctx, await authenticateSession(ctx.db, req.params.sessionId, sessionToken(req), { allowExpired: true }), req.body.phone),
    );
  };
}
