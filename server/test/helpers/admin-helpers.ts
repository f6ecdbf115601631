import { expect } from 'vitest';
import { ERRORS } from '../../src/core/errors.js';
import type { TestPlatform } from './platform.js';
import { approveBusiness, validOrgNumber } from './fixtures.js';

type Res = { status: number; body: any; text: string; headers: Headers };

/**
 * A valid, unique organisationsnummer for a legal entity: first two digits ≥ 10 and the "month"
 * digits ≥ 20 (the number series rule the validator enforces), Luhn check digit last. From
 * fixtures.validOrgNumber's sequence, shared with the other helpers so they never collide.
 */
export function orgNumber(): string {
  return validOrgNumber();
}

/** The same digits with the last (check) digit changed. */
export function withWrongCheckDigit(org: string): string {
  const last = Number(org.at(-1));
  return org.slice(0, -1) + String((last + 1) % 10);
}

export const businessBody = (overrides: Record<string, unknown> = {}) => ({ name: 'Kafé Test', orgNumber: orgNumber(), businessType: 'cafe', email: 'owner@example.se', ...overrides });

/** A business as created: still pending approval, so customers cannot find it (for the approval queue). */
export async function newPendingBusiness(p: TestPlatform, overrides: Record<string, unknown> = {}) {
  const res = await p.admin('POST', '/admin/businesses', businessBody(overrides));
  if (res.status !== 201) throw new Error(`newBusiness: ${res.status} ${res.text}`);
  return res.body as { id: string; orgNumber: string; name: string; status: string };
}

/** A live business: created, then approved by the operator. */
export async function newBusiness(p: TestPlatform, overrides: Record<string, unknown> = {}) {
  const business = await newPendingBusiness(p, overrides);
  await approveBusiness(p, business.id);
  return business;
}

/** Asserts the error envelope `{error:{code,message,details}}` with the catalogue status for `code`. */
export function expectError(res: Res, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expectEnvelope(res);
  expect(res.body.error.code, res.text).toBe(code);
}

export function expectEnvelope(res: Res): void {
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  expect(Object.keys(res.body ?? {}), res.text).toEqual(['error']);
  expect(Object.keys(res.body.error).sort(), res.text).toEqual(['code', 'details', 'message']);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
  const code = res.body.error.code as keyof typeof ERRORS;
  expect(Object.keys(ERRORS), res.text).toContain(code);
  expect(ERRORS[code].status, res.text).toBe(res.status);
}

export async function auditFor(p: TestPlatform, targetId: string) {
  return p.ctx.db.kysely.selectFrom('audit_log').selectAll().where('target_id', '=', targetId).orderBy('id', 'asc').execute();
}

export async function countRows(p: TestPlatform, table: 'businesses' | 'locations' | 'pos_connections' | 'audit_log' | 'transactions'): Promise<number> {
  const row = await p.ctx.db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
