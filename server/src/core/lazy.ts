import { createRequire } from 'node:module';

/**
 * `load` runs on the first call and its result (a module, or the promise of one) is kept. Used to load
 * packages only some deployments or requests need on first use instead of at start-up.
 */
export function once<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => (loaded ??= { value: load() }).value;
}

/** A CommonJS package loaded on first use (kept outside the bundle's start-up path). */
export function lazyRequire<T>(name: string): () => T {
  return once(() => createRequire(import.meta.url)(name) as T);
}
