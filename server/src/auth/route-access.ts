import type { RouteAccess } from './access-guard.js';

/**
 * Access levels of routes that were written before accounts existed (their modules do not set
 * `config.access`). Keyed by exact method and route pattern — no prefix matching — so a route missing here
 * stays operator-only. New routes should set `config: { access }` on the route instead.
 *
 * Staff (read-mostly): may read their business's data and work the store-code verification queue.
 * Owners additionally: locations, POS connections (signing keys), questions/context, reward settings,
 * statements and raw webhook dead letters. Approval, enable/disable and trials stay with operators.
 */
const B = '/admin/businesses/:businessId';
export const LEGACY_ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  [`GET ${B}`]: 'tenant',
  [`GET ${B}/locations`]: 'tenant',
  [`GET ${B}/locations/:locationId`]: 'tenant',
  [`GET ${B}/locations/:locationId/qr.png`]: 'tenant',
  [`GET ${B}/locations/:locationId/qr.svg`]: 'tenant',
  [`POST ${B}/locations`]: 'tenant-owner',
  [`PATCH ${B}/locations/:locationId`]: 'tenant-owner',
  [`POST ${B}/locations/:locationId/rotate-qr`]: 'tenant-owner',
  [`GET ${B}/pos-connections`]: 'tenant',
  [`GET ${B}/pos-connections/:connectionId`]: 'tenant',
  [`POST ${B}/pos-connections`]: 'tenant-owner',
  [`PATCH ${B}/pos-connections/:connectionId`]: 'tenant-owner',
  [`GET ${B}/pos-connections/:connectionId/dead-letters`]: 'tenant-owner',
  [`GET ${B}/transactions`]: 'tenant',
  [`GET ${B}/settings`]: 'tenant',
  [`PATCH ${B}/settings`]: 'tenant-owner',
  [`GET ${B}/questions`]: 'tenant',
  [`POST ${B}/questions`]: 'tenant-owner',
  [`DELETE ${B}/questions/:questionId`]: 'tenant-owner',
  [`GET ${B}/store-claims`]: 'tenant',
  [`GET ${B}/store-claims/export.csv`]: 'tenant',
  [`POST ${B}/store-claims/import`]: 'tenant',
  [`POST ${B}/store-claims/:claimId/decision`]: 'tenant',
  [`GET ${B}/statements/:month`]: 'tenant-owner',
  [`GET ${B}/statements/:month/statement.csv`]: 'tenant-owner',
  [`GET ${B}/statements/:month/statement.pdf`]: 'tenant-owner',
  [`GET ${B}/trial`]: 'tenant',
  // Outbound webhooks carry URLs and secrets: owners only.
  [`POST ${B}/webhook-endpoints`]: 'tenant-owner',
  [`GET ${B}/webhook-endpoints`]: 'tenant-owner',
  [`GET ${B}/webhook-endpoints/:endpointId`]: 'tenant-owner',
  [`PATCH ${B}/webhook-endpoints/:endpointId`]: 'tenant-owner',
  [`DELETE ${B}/webhook-endpoints/:endpointId`]: 'tenant-owner',
  [`POST ${B}/webhook-endpoints/:endpointId/rotate-secret`]: 'tenant-owner',
  [`POST ${B}/webhook-endpoints/:endpointId/test`]: 'tenant-owner',
  [`GET ${B}/webhook-endpoints/:endpointId/deliveries`]: 'tenant-owner',
  [`GET ${B}/webhook-endpoints/:endpointId/attempts`]: 'tenant-owner',
  [`GET ${B}/webhook-endpoints/:endpointId/dead-letters`]: 'tenant-owner',
  [`POST ${B}/webhook-endpoints/:endpointId/dead-letters/replay`]: 'tenant-owner',
  [`POST ${B}/webhook-endpoints/:endpointId/dead-letters/:deliveryId/replay`]: 'tenant-owner',
  [`GET ${B}/webhook-dead-letters`]: 'tenant-owner',
  [`POST ${B}/webhook-dead-letters/replay`]: 'tenant-owner',
  [`GET ${B}/store-claims/export.xlsx`]: 'tenant',
};
