/**
 * Every way a provider can fail, for both providers, over real HTTP: each must surface as the
 * right TranscriptionError — never as a transcript — and leave no temp file behind.
 */
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiTranscriber } from '../../src/voice/openai-compatible.js';
import { onTempFileEvent, type TempFileEvent } from '../../src/voice/temp-file.js';
import { TranscriptionError, type Transcriber } from '../../src/voice/types.js';
import { WhisperHttpTranscriber } from '../../src/voice/whisper-http.js';
import { startFakeTranscriber, type FakeBehaviour, type FakeTranscriber } from '../helpers/fake-transcriber.js';
import { pcmWav } from './wav-builder.js';

// A recognisable byte pattern, so we can prove it never leaks into an error.
const WAV = pcmWav({ sampleRate: 8000, channels: 1, bits: 16, frames: 8000 });
WAV.fill(0x5a, 44);
const AUDIO = { bytes: WAV, mimeType: 'audio/wav' };
// Far above a stalled machine's answer time, so fast failures never turn into timeouts; the slow
// case answers long after it, and the bound below sits between the two.
const TIMEOUT_MS = 1_500;
const SLOW_MS = 10_000;

type Factory = (url: string) => Transcriber;
const PROVIDERS: Array<[string, Factory]> = [
  ['whisper-http', (url) => new WhisperHttpTranscriber({ baseUrl: url, timeoutMs: TIMEOUT_MS })],
  ['openai-compatible', (url) => new OpenAiTranscriber({ baseUrl: url, apiKey: 'k', timeoutMs: TIMEOUT_MS })],
];

const FAILURES: Array<[string, TranscriptionError['code'], boolean, FakeBehaviour]> = [
  ['HTTP 500', 'provider_error', true, { kind: 'status', status: 500 }],
  ['HTTP 503', 'provider_error', true, { kind: 'status', status: 503 }],
  ['HTTP 429', 'provider_error', true, { kind: 'status', status: 429 }],
  ['HTTP 408', 'timeout', true, { kind: 'status', status: 408 }],
  ['HTTP 400', 'bad_audio', false, { kind: 'status', status: 400 }],
  ['HTTP 413', 'bad_audio', false, { kind: 'status', status: 413 }],
  ['HTTP 422', 'bad_audio', false, { kind: 'status', status: 422 }],
  ['HTTP 401', 'provider_error', false, { kind: 'status', status: 401 }],
  ['HTTP 404', 'provider_error', false, { kind: 'status', status: 404 }],
  ['slow answer', 'timeout', true, { kind: 'slow', delayMs: SLOW_MS }],
  ['invalid JSON', 'provider_error', true, { kind: 'invalid-json' }],
  ['JSON without text', 'provider_error', true, { kind: 'wrong-shape' }],
  ['whitespace-only text', 'empty_transcript', false, { kind: 'empty-text' }],
  ['400 s of audio', 'too_long', false, { kind: 'too-long' }],
  ['connection dropped', 'provider_error', true, { kind: 'drop-connection' }],
];

async function failureOf(promise: Promise<unknown>): Promise<TranscriptionError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(TranscriptionError);
  return outcome.error as TranscriptionError;
}

let fake: FakeTranscriber;
let events: TempFileEvent[];
let unsubscribe: () => void;

beforeAll(async () => {
  fake = await startFakeTranscriber();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  events = [];
  unsubscribe = onTempFileEvent((e) => events.push(e));
});
afterEach(() => {
  unsubscribe();
  // Whatever happened, every temp file created was removed.
  expect(events.filter((e) => e.type === 'created').length).toBe(events.filter((e) => e.type === 'removed').length);
  for (const e of events) expect(existsSync(e.dir)).toBe(false);
});

describe.each(PROVIDERS)('%s failure modes', (_name, make) => {
  it.each(FAILURES)('%s → %s (retryable %s)', async (_label, code, retryable, behaviour) => {
    fake.setBehaviour(behaviour);
    const started = Date.now();
    const err = await failureOf(make(fake.url).transcribe(AUDIO, { language: 'sv' }));
    expect({ code: err.code, retryable: err.retryable }).toEqual({ code, retryable });
    expect(fake.received).toHaveLength(1); // it really went over the wire
    expect(Date.now() - started).toBeLessThan(5_000); // the slow case was cut off by the deadline, not SLOW_MS
    const dump = `${err.message} ${JSON.stringify(err)} ${String(err.stack)}`;
    expect(dump).not.toContain('ZZZZ'); // 0x5a bytes of the audio as text
    expect(dump).not.toContain(WAV.subarray(44, 80).toString('base64'));
  });

  it('connection refused → provider_error (retryable)', async () => {
    const gone = await startFakeTranscriber();
    await gone.close();
    const err = await failureOf(make(gone.url).transcribe(AUDIO, {}));
    expect({ code: err.code, retryable: err.retryable }).toEqual({ code: 'provider_error', retryable: true });
  });

  it('rethrows the caller’s own abort reason instead of calling it a provider failure', async () => {
    fake.setBehaviour({ kind: 'slow', delayMs: 3_000 });
    const controller = new AbortController();
    const reason = new Error('customer left');
    setTimeout(() => controller.abort(reason), 50);
    await expect(make(fake.url).transcribe(AUDIO, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('succeeds again once the provider recovers (nothing sticky between calls)', async () => {
    const t = make(fake.url);
    fake.setBehaviour({ kind: 'status', status: 503 });
    await failureOf(t.transcribe(AUDIO, {}));
    fake.setBehaviour({ kind: 'ok', text: 'Andra försöket gick bra.' });
    expect((await t.transcribe(AUDIO, {})).text).toBe('Andra försöket gick bra.');
  });
});
