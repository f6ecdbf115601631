import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { passwordClasses, passwordProblem, PASSWORD_MIN_LENGTH } from '../../src/accounts/passwords.js';
import { LinkTokens } from '../../src/accounts/tokens.js';
import { authorize, type RouteAccess } from '../../src/auth/access-guard.js';
import type { Principal } from '../../src/auth/principal.js';
import { AppError } from '../../src/core/errors.js';
import { decodeFeedbackCursor, encodeFeedbackCursor } from '../../src/dashboard/feedback-service.js';
import { dayRange, stockholmHour } from '../../src/dashboard/time-range.js';
import { topTopics } from '../../src/dashboard/topics.js';
import { parseArgs } from '../../src/cli/admin-create.js';

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
};

describe('password policy', () => {
  it('refuses anything shorter than 12 characters', () => {
    fc.assert(fc.property(fc.string({ maxLength: PASSWORD_MIN_LENGTH - 1, unit: 'binary' }), (pw) => passwordProblem(pw) !== null));
  });
  it('refuses long passwords of a single character class', () => {
    const oneClass = fc.oneof(fc.stringMatching(/^[a-zåäö]{12,40}$/), fc.stringMatching(/^[A-ZÅÄÖ]{12,40}$/), fc.stringMatching(/^[0-9]{12,40}$/), fc.stringMatching(/^[!-/:-@]{12,40}$/));
    fc.assert(fc.property(oneClass, (pw) => passwordClasses(pw) === 1 && passwordProblem(pw) !== null));
  });
  it('accepts 12–256 characters mixing two classes', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z]{6,100}$/), fc.stringMatching(/^[0-9A-Z!#]{6,100}$/), (a, b) => passwordProblem(a + b) === null));
    expect(passwordProblem('Korrekt-häst-batteri-9')).toBeNull();
    expect(passwordProblem(`a1${'x'.repeat(300)}`)).toMatch(/at most/);
  });
});

describe('signed link tokens', () => {
  const tokens = new LinkTokens(randomBytes(32));
  it('round-trips the row id and refuses another purpose, another key and tampering', async () => {
    const id = '0191f0a0-0000-7000-8000-000000000001';
    const t = await tokens.sign('invite', id, new Date(Date.now() + 60_000));
    expect(await tokens.verify('invite', t)).toBe(id);
    await expect(tokens.verify('reset', t)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(new LinkTokens(randomBytes(32)).verify('invite', t)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(tokens.verify('invite', `${t.slice(0, -3)}abc`)).rejects.toMatchObject({ code: 'invalid_token' });
    const expired = await tokens.sign('reset', id, new Date(Date.now() - 1000));
    await expect(tokens.verify('reset', expired)).rejects.toMatchObject({ code: 'invalid_token' });
  });
  it('answers invalid_token for any garbage', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), async (s) => (await tokens.verify('invite', s).then(() => 'ok', (e: AppError) => e.code)) === 'invalid_token'));
  });
});

describe('authorize', () => {
  const ids = fc.constantFrom('b1', 'b2', 'b3');
  const principal = fc.dictionary(ids, fc.constantFrom('owner' as const, 'staff' as const)).map(
    (m): Principal => ({ kind: 'user', userId: 'u', email: 'e', role: 'business', sessionId: 's', csrfToken: 'c', memberships: new Map(Object.entries(m)) }),
  );
  const access = fc.constantFrom<RouteAccess>('operator', 'tenant', 'tenant-owner');
  it('lets a business user in exactly when the route is a tenant route of a business they have the role for', () => {
    fc.assert(
      fc.property(principal, access, fc.option(ids, { nil: undefined }), (p, a, businessId) => {
        const role = p.kind === 'user' && businessId ? p.memberships.get(businessId) : undefined;
        const expected = a !== 'operator' && role !== undefined && (a === 'tenant' || role === 'owner');
        return (codeOf(() => authorize(p, a, businessId ? { businessId } : {})) === null) === expected;
      }),
    );
  });
  it('always lets operators in', () => {
    fc.assert(fc.property(access, fc.string(), (a, businessId) => codeOf(() => authorize({ kind: 'admin-token' }, a, { businessId })) === null));
  });
});

describe('dashboard time and cursors', () => {
  it('maps UTC hours to Stockholm date, weekday and hour like Intl does', () => {
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short' });
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2031-01-01T00:00:00Z'), noInvalidDate: true }), (d) => {
        const parts = Object.fromEntries(fmt.formatToParts(d).map((x) => [x.type, x.value]));
        const got = stockholmHour(d.toISOString().slice(0, 13));
        const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!) + 1;
        return got.date === `${parts.year}-${parts.month}-${parts.day}` && got.hour === Number(parts.hour) && got.weekday === weekday;
      }),
    );
  });
  it('turns Stockholm day ranges into half-open UTC intervals across DST', () => {
    expect(dayRange({ from: '2026-03-29', to: '2026-03-29' })).toEqual({ from: '2026-03-29', to: '2026-03-29', startUtc: '2026-03-28T23:00:00.000Z', endUtc: '2026-03-29T22:00:00.000Z' });
    expect(codeOf(() => dayRange({ from: '2026-02-30' }))).toBe('validation_failed');
    expect(codeOf(() => dayRange({ from: '2024-01-01', to: '2026-01-01' }))).toBe('validation_failed');
  });
  it('round-trips keyset cursors and rejects anything else as invalid_cursor', () => {
    fc.assert(fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.uuid(), (d, id) => {
      const c = decodeFeedbackCursor(encodeFeedbackCursor(d.toISOString(), id));
      return c?.scoredAt === d.toISOString() && c.id === id;
    }));
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 200 }), (s) => {
      const code = codeOf(() => decodeFeedbackCursor(s));
      return code === null || code === 'invalid_cursor';
    }));
  });
});

describe('recurring topics', () => {
  it('counts a topic at most once per feedback and only when it recurs', () => {
    const word = fc.constantFrom('kanelbulle', 'kassan', 'personalen', 'kaffet', 'toaletten', 'parkering');
    const turns = fc.array(fc.record({ session_id: fc.constantFrom('s1', 's2', 's3', 's4'), text: fc.array(word, { maxLength: 8 }).map((w) => w.join(' ')) }), { maxLength: 20 });
    fc.assert(fc.property(turns, (ts) => {
      const sessions = new Set(ts.map((t) => t.session_id)).size;
      return topTopics(ts).every((t) => t.count >= 2 && t.count <= sessions);
    }));
  });
  it('prefers a recurring phrase over its words', () => {
    const topics = topTopics([{ session_id: 'a', text: 'Lång väntetid vid kassan' }, { session_id: 'b', text: 'alltid lång väntetid' }, { session_id: 'c', text: 'kassan var stängd' }]);
    expect(topics).toEqual([{ topic: 'kassan', count: 2 }, { topic: 'lång väntetid', count: 2 }]);
  });
});

describe('admin:create arguments', () => {
  it('reads --email and --password-stdin and refuses unknown flags', () => {
    expect(parseArgs(['--email', 'a@b.se', '--password-stdin'])).toEqual({ email: 'a@b.se', passwordStdin: true });
    expect(parseArgs(['--email=a@b.se'])).toEqual({ email: 'a@b.se', passwordStdin: false });
    expect(() => parseArgs(['--password', 'x'])).toThrow(/Unknown argument/);
  });
});
