import type { Options } from '@node-rs/argon2';
import { AppError } from '../core/errors.js';
import { once } from '../core/lazy.js';

/**
 * argon2id with OWASP's baseline (19 MiB, 2 passes, 1 lane): about 20–40 ms per hash on a small server,
 * slow enough for offline guessing, cheap enough for logins. `Algorithm.Argon2id` is a const enum in the
 * package's typings, which isolatedModules cannot inline, hence the literal 2.
 */
const ARGON2ID: Options = { algorithm: 2 as Options['algorithm'], memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

// A native addon: loaded on the first password operation, not at start-up.
const loadArgon2 = once(() => import('@node-rs/argon2'));

export async function hashPassword(password: string): Promise<string> {
  return (await loadArgon2()).hash(password, ARGON2ID);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const { verify } = await loadArgon2();
  try {
    return await verify(stored, password);
  } catch {
    // A malformed stored hash is a failed login, never a 500.
    return false;
  }
}

let dummy: Promise<string> | null = null;
/** Spend the same argon2 work when the account does not exist, so timing does not reveal which e-mails have accounts. */
export async function burnDummyVerify(password: string): Promise<void> {
  dummy ??= hashPassword('kvittra-dummy-password-for-timing');
  await verifyPassword(await dummy, password);
}

/** Character classes present in a password: lower, upper, digit, other. */
export function passwordClasses(password: string): number {
  const tests = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u];
  return tests.filter((re) => re.test(password)).length;
}

/** The policy: 12–256 characters (code points) and not all of one character class. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `at most ${PASSWORD_MAX_LENGTH} characters`;
  if (passwordClasses(password) < 2) return 'mix at least two of lower-case, upper-case, digits and other characters';
  return null;
}

export function assertPasswordPolicy(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('weak_password', undefined, { rule: problem });
}
