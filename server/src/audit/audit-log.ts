import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { newId, nowIso } from '../core/ids.js';

/** Who did something and from where, as recorded in the audit log. */
export interface Actor {
  actor: string;
  ip: string | null;
}

export interface AuditEntry {
  actor: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** Written in the same transaction as the change it records, so the log cannot miss a committed action. */
export async function recordAudit(trx: Transaction<Database>, e: AuditEntry): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      id: newId(),
      actor: e.actor,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId ?? null,
      details: e.details ? JSON.stringify(e.details) : null,
      ip: e.ip ?? null,
      created_at: nowIso(),
    })
    .execute();
}
