import { v7 as uuidv7 } from 'uuid';

/** Time-ordered UUIDs (v7): primary keys sort by creation, so they double as stable pagination cursors. */
export function newId(): string {
  return uuidv7();
}

export function nowIso(): string {
  return new Date().toISOString();
}
