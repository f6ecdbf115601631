import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProviderEndpoints, type SwitchEvent } from '../../src/pos-sync/endpoints.js';
import { testSyncConfig } from './helpers.js';

type Op = { op: 'health'; index: number; healthy: boolean } | { op: 'manual'; target: number | null };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('health' as const), index: fc.integer({ min: 0, max: 2 }), healthy: fc.boolean() }),
  fc.record({ op: fc.constant('manual' as const), target: fc.option(fc.integer({ min: 0, max: 2 })) }),
);

/**
 * Whatever sequence of health changes and operator actions: after each health round traffic is on the
 * earliest usable endpoint when one exists, every switch is reported, and a reported switch always
 * names the endpoint that is active afterwards.
 */
describe('endpoint failover state machine (property)', () => {
  it('settles on the earliest usable endpoint and reports every switch', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
        const events: SwitchEvent[] = [];
        const set = new ProviderEndpoints('square', ['http://a', 'http://b', 'http://c'], testSyncConfig(), (e) => events.push(e));
        for (const o of ops) {
          const before = events.length;
          const activeBefore = set.active.name;
          if (o.op === 'health') {
            set.endpoints[o.index]!.healthy = o.healthy;
            set.rebalance();
            const usable = set.endpoints.findIndex((ep) => ep.healthy && !ep.drained);
            if (usable >= 0) expect(set.active.name).toBe(set.endpoints[usable]!.name);
          } else {
            const target = o.target === null ? undefined : set.endpoints[o.target]!.name;
            set.manualFailover('operator says so', 'admin', target);
          }
          if (set.active.name !== activeBefore) {
            expect(events.length).toBe(before + 1);
            expect(events.at(-1)).toMatchObject({ from: activeBefore, to: set.active.name });
          } else {
            expect(events.length).toBe(before);
          }
        }
      }),
    );
  });
});
