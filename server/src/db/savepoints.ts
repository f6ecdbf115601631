import { CompiledQuery } from 'kysely';

export interface Savepoint {
  open: CompiledQuery<unknown>;
  release: CompiledQuery<unknown>;
  rollback: CompiledQuery<unknown>;
}

const cache = new Map<string, Savepoint>();

/** SAVEPOINT statements for the i-th op of a batch, compiled once (they run around every grouped write). */
export function savepoint(prefix: string, i: number): Savepoint {
  const name = `${prefix}${i}`;
  let sp = cache.get(name);
  if (!sp) {
    sp = { open: CompiledQuery.raw(`savepoint ${name}`), release: CompiledQuery.raw(`release savepoint ${name}`), rollback: CompiledQuery.raw(`rollback to savepoint ${name}`) };
    cache.set(name, sp);
  }
  return sp;
}
