/**
 * What both HTTP providers share: one POST with a deadline, one mapping from HTTP/network
 * failures to TranscriptionError, and one set of checks on what comes back. Error messages carry
 * status codes and provider names only — never audio, never the provider's response body
 * (which could hold the customer's words).
 */
import { assertNotTooLong } from './audio-format.js';
import {
  TranscriptionError,
  type FetchLike,
  type RequestLanguage,
  type Transcript,
  type TranscriptLanguage,
} from './types.js';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const HEALTH_TIMEOUT_MS = 5_000;

/** Base URLs are configured by humans: tolerate a trailing slash. */
export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** 4xx that mean "try again later" rather than "this audio is wrong". */
export function errorForStatus(provider: string, status: number): TranscriptionError {
  const message = `${provider} answered HTTP ${status}.`;
  if (status === 408) return new TranscriptionError('timeout', true, message);
  if (status === 429 || status >= 500) return new TranscriptionError('provider_error', true, message);
  // Auth/routing problems are ours, not the customer's audio; retrying will not fix them.
  if (status === 401 || status === 403 || status === 404) return new TranscriptionError('provider_error', false, message);
  return new TranscriptionError('bad_audio', false, message);
}

interface Deadline {
  signal: AbortSignal;
  timedOut: () => boolean;
}

function deadline(timeoutMs: number, callerSignal: AbortSignal | undefined): Deadline {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout;
  return { signal, timedOut: () => timeout.aborted && !callerSignal?.aborted };
}

/**
 * The caller's own abort is not a provider failure: rethrow its reason untouched. A deadline
 * becomes `timeout`; anything else on the wire (refused, reset, DNS) is a retryable provider error.
 */
function mapWireFailure(provider: string, err: unknown, d: Deadline, callerSignal?: AbortSignal): unknown {
  if (err instanceof TranscriptionError) return err;
  if (callerSignal?.aborted) return callerSignal.reason;
  if (d.timedOut()) return new TranscriptionError('timeout', true, `${provider} did not answer in time.`);
  return new TranscriptionError('provider_error', true, `${provider} could not be reached.`, { cause: err });
}

export interface PostFormRequest {
  fetch: FetchLike;
  provider: string;
  url: string;
  form: FormData;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** POST multipart, return the parsed JSON body. The deadline covers reading the body too. */
export async function postForm(req: PostFormRequest): Promise<unknown> {
  const d = deadline(req.timeoutMs, req.signal);
  let text: string;
  try {
    const res = await req.fetch(req.url, { method: 'POST', body: req.form, headers: req.headers, signal: d.signal });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined); // free the connection
      throw errorForStatus(req.provider, res.status);
    }
    text = await res.text();
  } catch (err) {
    throw mapWireFailure(req.provider, err, d, req.signal);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Often a proxy's HTML error page in front of a restarting service: worth another go.
    throw new TranscriptionError('provider_error', true, `${req.provider} did not answer with JSON.`);
  }
}

/** GET that succeeds on any 2xx (after redirects) within the health deadline. */
export async function isReachable(fetch: FetchLike, url: string, headers?: Record<string, string>): Promise<boolean> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    await res.body?.cancel().catch(() => undefined);
    return res.ok;
  } catch {
    return false;
  }
}

const LANGUAGE_NAMES: Readonly<Record<string, RequestLanguage>> = {
  sv: 'sv',
  swe: 'sv',
  swedish: 'sv',
  svenska: 'sv',
  en: 'en',
  eng: 'en',
  english: 'en',
};

/**
 * Providers report a code ("sv"), a tag ("sv-SE") or a name ("swedish"). When they report
 * nothing, the language we forced is the language they transcribed in.
 */
export function normaliseLanguage(raw: string | null | undefined, requested?: RequestLanguage): TranscriptLanguage {
  if (!raw) return requested ?? 'other';
  const key = raw.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return LANGUAGE_NAMES[key] ?? 'other';
}

/** The checks every transcript passes before anyone sees it. */
export function finishTranscript(t: Transcript): Transcript {
  const text = t.text.trim();
  if (text === '') {
    throw new TranscriptionError('empty_transcript', false, `${t.provider} heard no speech.`);
  }
  assertNotTooLong(t.durationSec);
  return { ...t, text };
}

export function providerResponseError(provider: string): TranscriptionError {
  return new TranscriptionError('provider_error', true, `${provider} answered in an unexpected shape.`);
}
