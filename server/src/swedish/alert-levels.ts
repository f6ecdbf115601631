/** Ordered from most to least severe; "lowering" moves right. Kept apart from alert-severity.ts so the
 * routes can declare their schema without loading the holiday calendar at start-up. */
export const ALERT_LEVELS = ['critical', 'high', 'medium', 'low'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];
