/**
 * The dashboard APIs were built alongside these pages; readers accept the documented field names and
 * their obvious aliases so a renamed field degrades to "–" rather than a crash.
 */
export type Json = Record<string, unknown>;

export const asObj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
export const asArr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(asObj) : []);

export function num(o: Json, ...keys: string[]): number | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return null;
}

export function str(o: Json, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
  }
  return null;
}

export function arr(o: Json, ...keys: string[]): Json[] {
  for (const k of keys) if (Array.isArray(o[k])) return asArr(o[k]);
  return [];
}

/** `{items:[…]}` or a bare array. */
export const items = (v: unknown): Json[] => (Array.isArray(v) ? asArr(v) : arr(asObj(v), 'items', 'data', 'results'));
