/** Migration 009 (money controls): operator-only billing, platform settings and the rates fixed per statement period. */

/** One validated JSON document per key; key `billing` holds VAT and the platform's default billing (ZPlatformBilling). */
export interface PlatformSettingsTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string | null;
}

/** A business's own billing (commission, ceilings, review rules); absent = the platform defaults. */
export interface BusinessBillingTable {
  business_id: string;
  settings: string; // JSON, validated by ZBusinessBilling
  updated_at: string;
  updated_by: string | null;
}

/** The rates a business's statement month is charged at, fixed when the month's first money is booked. */
export interface StatementPeriodsTable {
  business_id: string;
  month: string; // YYYY-MM (Europe/Stockholm)
  commission_bps: number;
  commission_tiers: string; // JSON [{fromMinor, bps}]
  vat_bps: number;
  created_at: string;
}

/** Migration 009: when a business user last chose the connection's signing key (null = set by an operator). */
export interface PosConnectionProbationColumns {
  probation_started_at: string | null;
}
