import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { actorOf } from '../auth/admin-auth.js';
import { recordAudit } from '../audit/audit-log.js';
import { getConnectionRow } from '../pos/connection-service.js';
import { POS_PROVIDERS, type PosProvider } from '../pos/providers/types.js';
import { ENDPOINT_NAMES } from './config.js';
import { missingCredentialFields, saveCredentials } from './credentials.js';
import { reconcilableConnections, reconcileMany, totals } from './reconcile.js';
import { posSyncFor, storeSwitch } from './service.js';
import { disasterRecoveryStatus, poolsSnapshot, providerHealth, runDto } from './status.js';

const ZProvider = z.enum(POS_PROVIDERS);
const ZFailover = z.object({ provider: ZProvider, reason: z.string().trim().min(10, 'reason must be at least 10 characters').max(500), target: z.enum(ENDPOINT_NAMES).optional() }).strict();
const ZCheck = z.object({ connectionId: z.uuid().optional(), businessId: z.uuid().optional() }).strict();
const ZSecret = z.string().trim().min(1).max(4096);
const ZCredentials = z
  .object({ accessToken: ZSecret, refreshToken: ZSecret, clientId: ZSecret, clientSecret: ZSecret, apiKey: ZSecret, expiresAt: z.iso.datetime() })
  .partial()
  .strict();

/** Unauthenticated, like the other health probes: states only, no URLs or secrets. */
export function posSyncPublicRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const sync = posSyncFor(ctx);
    sync.start();
    app.addHook('onClose', async () => sync.close());
    app.get('/pos/health/:provider', { schema: { tags: ['pos-sync'], summary: 'POS provider API health and active failover endpoint', params: z.object({ provider: ZProvider }) } }, async (req) => {
      const last = await ctx.db.kysely.selectFrom('pos_reconciliation_runs').select(['status', 'finished_at']).where('provider', '=', req.params.provider).orderBy('started_at', 'desc').limit(1).executeTakeFirst();
      return { ...providerHealth(sync, req.params.provider), lastReconciliation: last ? { status: last.status, finishedAt: last.finished_at } : null, checkedAt: nowIso() };
    });
  };
}

export function posSyncAdminRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const sync = posSyncFor(ctx);

    app.post('/admin/pos/failover', { schema: { tags: ['pos-sync'], summary: 'Move a provider\'s API traffic to the next healthy endpoint (or to `target`)', body: ZFailover } }, async (req) => {
      const { provider, reason, target } = req.body;
      const who = actorOf(req);
      const set = sync.endpoints[provider];
      const from = set.active.name;
      if (!set.manualFailover(reason, who.actor, target)) throw new AppError('conflict', 'No other usable endpoint is configured for this provider.', { provider, active: from, target: target ?? null });
      const to = set.active.name;
      const at = nowIso();
      const id = await ctx.db.writer.run(async (trx) => {
        const eventId = await storeSwitch(ctx, { provider, from, to, kind: 'manual', reason, actor: who.actor }, trx);
        await recordAudit(trx, { ...who, action: 'pos.failover', targetType: 'pos_provider', targetId: provider, details: { from, to, reason } });
        return eventId;
      });
      return { id, provider, from, to, kind: 'manual', reason, at };
    });

    app.get('/admin/pos/pools', { schema: { tags: ['pos-sync'], summary: 'undici pool sizes and live stats per provider endpoint' } }, async () => poolsSnapshot(ctx, sync));

    app.post('/admin/pos/pools/optimize', { schema: { tags: ['pos-sync'], summary: 'Resize provider pools from current load (base, then within min–max)' } }, async (req) => {
      const changes = sync.optimizePools();
      await ctx.db.writer.run((trx) => recordAudit(trx, { ...actorOf(req), action: 'pos.pools.optimize', targetType: 'pos_pools', details: { changes } }));
      return { changes, pools: poolsSnapshot(ctx, sync) };
    });

    app.get('/admin/disaster-recovery/status', { schema: { tags: ['pos-sync'], summary: 'Provider endpoints, recent failovers, reconciliation and recovery plans' } }, async () => disasterRecoveryStatus(ctx, sync));

    app.post('/swedish-ops/data-consistency/check', { schema: { tags: ['pos-sync'], summary: 'Reconcile now: compare provider API data with stored transactions and repair', body: ZCheck } }, async (req) => {
      const scope = req.body;
      const connections = await reconcilableConnections(ctx, scope);
      if (scope.connectionId && connections.length === 0) throw notFound('Active POS connection with API credentials');
      const runs = await reconcileMany(ctx, sync, connections, 'manual');
      await ctx.db.writer.run((trx) => recordAudit(trx, { ...actorOf(req), action: 'pos.data_consistency_check', targetType: scope.connectionId ? 'pos_connection' : scope.businessId ? 'business' : 'platform', targetId: scope.connectionId ?? scope.businessId ?? null, details: totals(runs) }));
      return { totals: totals(runs), runs };
    });

    app.get('/admin/pos/reconciliation-runs', { schema: { tags: ['pos-sync'], summary: 'Stored reconciliation reports, newest first', querystring: z.object({ connectionId: z.uuid().optional(), provider: ZProvider.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) } }, async (req) => {
      let q = ctx.db.kysely.selectFrom('pos_reconciliation_runs').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(req.query.limit);
      if (req.query.connectionId) q = q.where('connection_id', '=', req.query.connectionId);
      if (req.query.provider) q = q.where('provider', '=', req.query.provider);
      return { items: (await q.execute()).map(runDto) };
    });

    app.put('/admin/businesses/:businessId/pos-connections/:connectionId/api-credentials', { schema: { tags: ['pos-sync'], summary: 'Store the connection\'s provider API credentials (encrypted; never returned)', params: z.object({ businessId: z.uuid(), connectionId: z.uuid() }), body: ZCredentials } }, async (req) => {
      const row = await getConnectionRow(ctx.db, req.params.businessId, req.params.connectionId);
      const provider = row.provider as PosProvider;
      const { expiresAt, ...credentials } = req.body;
      const missing = missingCredentialFields(provider, credentials);
      if (missing.length > 0) throw new AppError('validation_failed', `${provider} API access needs ${missing.join(' and ')}`, { missing });
      await saveCredentials(ctx.db, ctx.config.encryptionKey, row.id, { credentials, expiresAt: expiresAt ?? null });
      const fields = Object.keys(credentials).sort();
      await ctx.db.writer.run((trx) => recordAudit(trx, { ...actorOf(req), action: 'pos_connection.api_credentials', targetType: 'pos_connection', targetId: row.id, details: { fields } }));
      return { connectionId: row.id, provider, fields, expiresAt: expiresAt ?? null };
    });
  };
}
