import type { Generated } from 'kysely';

/** Migration 006 (accounts): business approval columns, kept apart so existing business DTO code is unchanged. */
export interface BusinessApprovalColumns {
  approval_status: Generated<string>; // pending | approved | rejected
  approved_at: string | null;
  approved_by: string | null;
}

export interface UsersTable {
  id: string;
  email: string; // lower-cased
  password_hash: string;
  role: string; // admin | business
  status: string; // active | disabled
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  user_id: string;
  business_id: string;
  role: string; // owner | staff
  created_at: string;
}

export interface AuthSessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  expires_at: string;
  absolute_expires_at: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
}

export interface InvitationsTable {
  id: string;
  business_id: string;
  email: string;
  role: string;
  token_hash: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  created_by: string;
  created_at: string;
}

export interface PasswordResetsTable {
  id: string;
  user_id: string;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface LoginAttemptsTable {
  id: string;
  key: string;
  created_at: string;
}

export interface BansTable {
  id: string;
  kind: string; // phone | device | ip
  value_hash: string;
  reason: string;
  status: string; // active | lifted
  expires_at: string | null;
  created_by: string;
  created_at: string;
  lifted_at: string | null;
  lifted_by: string | null;
}

export interface BanAppealsTable {
  id: string;
  ban_id: string | null;
  message: string;
  contact_enc: string | null;
  status: string; // pending | upheld | lifted
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
  ip_hash: string | null;
  created_at: string;
}

export interface ScoreOverridesTable {
  id: string;
  session_id: string;
  business_id: string;
  previous_score: number | null;
  score: number;
  reason: string;
  actor: string;
  created_at: string;
}
