import { createRequire } from 'node:module';
import type * as IoRedis from 'ioredis';

let ioredis: typeof IoRedis | undefined;

/**
 * ioredis costs ~35 ms of start-up (and 240 KB to parse) on every start, but only a deployment with
 * REDIS_URL uses it: loaded on the first connection instead.
 */
export function createRedis(url: string, options: IoRedis.RedisOptions): IoRedis.Redis {
  ioredis ??= createRequire(import.meta.url)('ioredis') as typeof IoRedis;
  return new ioredis.Redis(url, options);
}
