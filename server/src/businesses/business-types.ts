export const BUSINESS_TYPES = ['grocery', 'cafe', 'restaurant', 'retail'] as const;
export type BusinessType = (typeof BUSINESS_TYPES)[number];

/** Swedish display names used across the dashboard and customer pages. */
export const BUSINESS_TYPE_LABELS_SV: Record<BusinessType, string> = {
  grocery: 'Livsmedelsbutik',
  cafe: 'Kafé',
  restaurant: 'Restaurang',
  retail: 'Detaljhandel',
};
