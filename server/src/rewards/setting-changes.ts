/**
 * Old and new value of every changed money setting, for the audit log. Objects are walked key by key;
 * arrays (reward tiers, commission tiers) and scalars are compared and reported whole, so an entry
 * always shows a complete value an operator can restore.
 */
export interface SettingChange {
  field: string;
  old: unknown;
  new: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function settingChanges(before: unknown, after: unknown, prefix: string): SettingChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => settingChanges(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ field: prefix, old: before ?? null, new: after ?? null }];
}
