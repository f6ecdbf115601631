import type * as IoRedis from 'ioredis';
import { lazyRequire } from './lazy.js';

const ioredis = lazyRequire<typeof IoRedis>('ioredis');

/**
 * ioredis costs ~35 ms of start-up (and 240 KB to parse) on every start, but only a deployment with
 * REDIS_URL uses it: loaded on the first connection instead.
 */
export function createRedis(url: string, options: IoRedis.RedisOptions): IoRedis.Redis {
  return new (ioredis().Redis)(url, options);
}
