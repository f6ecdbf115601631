import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { generateSecret, openSecret, sealSecret, signPayload } from '../../src/delivery/signing.js';
import { DeliveryFailure, EndpointBreakers } from '../../src/delivery/breakers.js';

describe('Standard Webhooks signing', () => {
  it('signatures verify with standardwebhooks for any body, and the secret has the whsec_ form', () => {
    fc.assert(fc.property(fc.json(), fc.uuid(), (body, id) => {
      const secret = generateSecret();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const h = signPayload([secret], id, new Date(), body);
      expect(new Webhook(secret).verify(body, { ...h })).toEqual(JSON.parse(body));
    }), { numRuns: 30 });
  });

  it('during a rotation both secrets sign (space-separated) and each verifies alone; a third does not', () => {
    const [oldS, newS, other] = [generateSecret(), generateSecret(), generateSecret()];
    const body = JSON.stringify({ type: 'reward.created', data: { amountMinor: 1250 } });
    const h = signPayload([newS, oldS], 'evt-1', new Date(), body);
    expect(h['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldS).verify(body, { ...h })).not.toThrow();
    expect(() => new Webhook(newS).verify(body, { ...h })).not.toThrow();
    expect(() => new Webhook(other).verify(body, { ...h })).toThrow();
    expect(() => new Webhook(newS).verify(body.replace('1250', '9999'), { ...h })).toThrow();
  });

  it('sealed secrets open only for the endpoint they were sealed for', () => {
    const key = randomBytes(32);
    const s = generateSecret();
    const sealed = sealSecret(key, 'ep-1', s);
    expect(sealed).not.toContain(s);
    expect(openSecret(key, 'ep-1', sealed)).toBe(s);
    expect(() => openSecret(key, 'ep-2', sealed)).toThrow();
  });
});

describe('per-endpoint circuit breakers (cockatiel)', () => {
  const fail = () => Promise.reject(new DeliveryFailure('HTTP 500'));

  it('opens after the threshold of consecutive failures, rejects without calling, then closes after a successful trial', async () => {
    const changes: string[] = [];
    const b = new EndpointBreakers(3, 40, (_id, s) => changes.push(s));
    for (let i = 0; i < 3; i++) await expect(b.run('ep', fail)).rejects.toBeInstanceOf(DeliveryFailure);
    expect(b.state('ep')).toBe('open');
    expect(b.blocked('ep')).toBe(true);
    let called = false;
    expect(await b.run('ep', async () => (called = true))).toEqual({ rejected: true });
    expect(called).toBe(false);
    expect(b.reopensAt('ep').getTime()).toBeGreaterThan(Date.now() - 1);
    expect(b.state('other')).toBe('closed');
    await new Promise((r) => setTimeout(r, 60));
    // Past the half-open delay the worker must try again (cockatiel stays "open" until called).
    expect(b.blocked('ep')).toBe(false);
    expect(await b.run('ep', async () => 'ok')).toEqual({ rejected: false, value: 'ok' });
    expect(b.state('ep')).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('a success resets the consecutive count', async () => {
    const b = new EndpointBreakers(3, 1000);
    await expect(b.run('ep', fail)).rejects.toThrow();
    await expect(b.run('ep', fail)).rejects.toThrow();
    await b.run('ep', async () => 1);
    await expect(b.run('ep', fail)).rejects.toThrow();
    await expect(b.run('ep', fail)).rejects.toThrow();
    expect(b.state('ep')).toBe('closed');
  });
});
