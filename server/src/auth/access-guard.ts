import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { safeEqual } from '../core/crypto.js';
import { actorName, isOperator, resolvePrincipal, type Principal } from './principal.js';
import { LEGACY_ROUTE_ACCESS } from './route-access.js';

/**
 * Who may call a guarded route. `operator`: the admin token and admin users only (the default, so a route
 * nobody classified stays closed). `tenant`: also members (owner or staff) of the route's `:businessId`.
 * `tenant-owner`: also owners of the route's `:businessId`.
 */
export type RouteAccess = 'operator' | 'tenant' | 'tenant-owner';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every registered route with whether the access guard protects it (read by the isolation test). */
    routeRegistry: Map<string, RegisteredRoute>;
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
  guarded: boolean;
  access: RouteAccess | null;
  /** `config.access` as declared on the route (an unguarded route declaring one is a wiring mistake). */
  declared: RouteAccess | null;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function accessOf(method: string, url: string, config: { access?: RouteAccess } | undefined): RouteAccess {
  return config?.access ?? LEGACY_ROUTE_ACCESS[`${method} ${url}`] ?? 'operator';
}

const methodsOf = (r: RouteOptions) => (Array.isArray(r.method) ? r.method : [r.method]).map(String);

/** Root-level: records every route (guarded or not) as it is registered. */
export function installRouteRegistry(app: FastifyInstance): void {
  app.decorate('routeRegistry', new Map<string, RegisteredRoute>());
  app.addHook('onRoute', (r) => {
    for (const method of methodsOf(r)) {
      const key = `${method} ${r.url}`;
      const declared = (r.config as { access?: RouteAccess } | undefined)?.access ?? null;
      const known = app.routeRegistry.get(key);
      app.routeRegistry.set(key, known ? { ...known, declared } : { method, url: r.url, guarded: false, access: null, declared });
    }
  });
}

/** Decides whether the principal may use a route of the given access level with these path parameters. */
export function authorize(p: Principal, access: RouteAccess, params: Record<string, unknown>): void {
  if (isOperator(p)) return;
  if (p.kind !== 'user') throw new AppError('forbidden');
  if (access === 'operator') throw new AppError('forbidden', 'This is an operator endpoint.');
  const businessId = params.businessId;
  const role = typeof businessId === 'string' ? p.memberships.get(businessId) : undefined;
  // Same answer whether or not the business exists: no probing other tenants' ids.
  if (!role) throw new AppError('forbidden', 'You are not a member of this business.');
  if (access === 'tenant-owner' && role !== 'owner') throw new AppError('forbidden', 'Only an owner of this business may do this.');
}

function checkCsrf(req: FastifyRequest, p: Principal): void {
  if (p.kind !== 'user' || !UNSAFE.has(req.method)) return;
  const header = req.headers['x-csrf-token'];
  if (typeof header !== 'string' || !safeEqual(header, p.csrfToken)) throw new AppError('csrf_failed');
}

/**
 * The one guard of the operator/business API scope: authenticate (admin token or session cookie), enforce
 * CSRF for cookie-authenticated writes, then authorise by the route's access level and `:businessId`.
 */
export function installAccessGuard(scope: FastifyInstance, root: FastifyInstance, ctx: AppContext): void {
  scope.addHook('onRoute', (r) => {
    for (const method of methodsOf(r)) {
      const declared = (r.config as { access?: RouteAccess } | undefined)?.access ?? null;
      root.routeRegistry.set(`${method} ${r.url}`, { method, url: r.url, guarded: true, access: accessOf(method, r.url, r.config as { access?: RouteAccess }), declared });
    }
  });
  scope.addHook('onRequest', async (req) => {
    const principal = await resolvePrincipal(ctx, req);
    if (!principal) throw new AppError('unauthorized', 'Sign in, or send Authorization: Bearer <ADMIN_TOKEN>.');
    req.principal = principal;
    req.actor = actorName(principal);
    checkCsrf(req, principal);
    const url = req.routeOptions.url ?? '';
    authorize(principal, accessOf(req.method === 'HEAD' ? 'GET' : req.method, url, req.routeOptions.config as { access?: RouteAccess }), (req.params ?? {}) as Record<string, unknown>);
  });
}
