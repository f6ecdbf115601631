import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  OpenAiTranscriber,
  TranscriptionError,
  WhisperHttpTranscriber,
  createTranscriber,
  transcribeAudio,
  type TranscriptionOutcome,
  type Transcriber,
  type Transcript,
} from '../../src/voice/index.js';
import { onTempFileEvent, type TempFileEvent } from '../../src/voice/temp-file.js';
import { DEFAULT_FAKE_TEXT, startFakeTranscriber, type FakeTranscriber } from '../helpers/fake-transcriber.js';
import { convertAudio, describeWithAudioTools, makeSilenceWav, makeSpeechWav } from '../helpers/audio.js';
import { pcmWav } from './wav-builder.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const SHORT_WAV = pcmWav({ sampleRate: 8000, channels: 1, bits: 16, frames: 12_000 }); // 1.5 s

describe('createTranscriber', () => {
  it.each([
    ['no config', {}],
    ['blank strings', { voiceProcessorUrl: '', openaiBaseUrl: '   ' }],
    ['an API key alone', { openaiApiKey: 'sk-live' }],
  ])('returns null (voice unavailable) with %s', (_name, cfg) => {
    expect(createTranscriber(cfg)).toBeNull();
  });

  it('uses the self-hosted processor when configured, even if OpenAI is too', () => {
    const t = createTranscriber({ voiceProcessorUrl: 'http://whisper:9000', openaiBaseUrl: 'https://api.openai.com' });
    expect(t).toBeInstanceOf(WhisperHttpTranscriber);
    expect(t?.name).toBe('whisper-http');
  });

  it('uses the OpenAI-compatible endpoint when only that is configured', () => {
    const t = createTranscriber({ openaiBaseUrl: 'https://api.openai.com/v1', openaiApiKey: 'sk' });
    expect(t).toBeInstanceOf(OpenAiTranscriber);
  });

  it.each(['not a url', 'ftp://files.example.com'])('fails loudly on a malformed URL %j', (url) => {
    expect(() => createTranscriber({ voiceProcessorUrl: url })).toThrow(/VOICE_PROCESSOR_URL/);
  });
});

describe('transcribeAudio without a transcriber', () => {
  it('reports voice as unavailable (not retryable) and records the outcome', async () => {
    const outcomes: TranscriptionOutcome[] = [];
    const err = await transcribeAudio(null, { bytes: SHORT_WAV, mimeType: 'audio/wav' }, { onDuration: (_s, o) => outcomes.push(o) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TranscriptionError);
    expect(err).toMatchObject({ code: 'unavailable', retryable: false });
    expect(outcomes).toEqual(['unavailable']);
  });
});

/** A Transcriber from elsewhere that does not apply our rules itself. */
function lenient(result: Partial<Transcript> | Error): Transcriber {
  return {
    name: 'lenient',
    health: async () => true,
    transcribe: async () => {
      if (result instanceof Error) throw result;
      return { text: 'ok', language: 'sv', durationSec: null, provider: 'lenient', ...result };
    },
  };
}

describe('transcribeAudio re-applies the rules to any Transcriber', () => {
  const audio = { bytes: SHORT_WAV, mimeType: 'audio/wav' };
  it.each([
    ['blank text', lenient({ text: ' \t ' }), 'empty_transcript'],
    ['a 301 s transcript', lenient({ durationSec: 301 }), 'too_long'],
    ['a stray error', lenient(new RangeError('oops')), 'provider_error'],
  ] as const)('%s → %s', async (_name, t, code) => {
    await expect(transcribeAudio(t, audio)).rejects.toMatchObject({ code });
  });

  it('fills an unknown duration from the WAV header', async () => {
    expect((await transcribeAudio(lenient({}), audio)).durationSec).toBe(1.5);
  });

  it('keeps a transcript even when the metric callback throws', async () => {
    const onDuration = () => {
      throw new Error('metrics down');
    };
    expect((await transcribeAudio(lenient({ text: ' Bra! ' }), audio, { onDuration })).text).toBe('Bra!');
  });
});

let fake: FakeTranscriber;
let events: TempFileEvent[];
let unsubscribe: () => void;

describeWithAudioTools(
  'transcribeAudio end to end against the fake service',
  () => {
    let speech: Buffer;
    let sixMinutes: Buffer;
    beforeAll(async () => {
      fake = await startFakeTranscriber();
      speech = await makeSpeechWav('Jag väntade länge på kaffet, men bullen var god.');
      sixMinutes = await makeSilenceWav(360); // sox -n -r 16000 -c 1 long.wav trim 0 360
    });
    afterAll(() => fake.close());
    beforeEach(() => {
      fake.reset();
      events = [];
      unsubscribe = onTempFileEvent((e) => events.push(e));
    });
    afterEach(() => unsubscribe());

    const providers = () =>
      [
        ['whisper-http', createTranscriber({ voiceProcessorUrl: fake.url })],
        ['openai-compatible', createTranscriber({ openaiBaseUrl: fake.url })],
      ] as const;

    it('transcribes real speech and reports the time taken as ok', async () => {
      for (const [name, t] of providers()) {
        fake.reset();
        const metrics: Array<[number, TranscriptionOutcome]> = [];
        const transcript = await transcribeAudio(t, { bytes: speech, mimeType: 'audio/wav' }, {
          language: 'sv',
          onDuration: (s, o) => metrics.push([s, o]),
        });
        expect(transcript).toMatchObject({ text: DEFAULT_FAKE_TEXT, language: 'sv', provider: name });
        expect(fake.received.map((r) => [r.audioSha256, r.language])).toEqual([[sha256(speech), 'sv']]);
        expect(metrics).toHaveLength(1);
        expect(metrics[0]![1]).toBe('ok');
        expect(metrics[0]![0]).toBeGreaterThan(0);
        expect(metrics[0]![0]).toBeLessThan(10);
      }
    });

    it('refuses a 6-minute WAV as too_long before any upload or temp file', async () => {
      expect(sixMinutes.length).toBeGreaterThan(20 * 1024 * 1024); // sox's default 32-bit: also over the byte cap
      for (const [, t] of providers()) {
        const outcomes: TranscriptionOutcome[] = [];
        const err = await transcribeAudio(t, { bytes: sixMinutes, mimeType: 'audio/wav' }, { onDuration: (_s, o) => outcomes.push(o) }).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'too_long', retryable: false });
        expect((err as Error).message).toMatch(/360 s/); // refused for its length, not its size
        expect(outcomes).toEqual(['too_long']);
      }
      expect(fake.received).toEqual([]);
      expect(events).toEqual([]);
    });

    it('refuses audio whose bytes contradict its declared type before any upload', async () => {
      const ogg = await convertAudio(speech, 'ogg');
      for (const [, t] of providers()) {
        await expect(transcribeAudio(t, { bytes: ogg, mimeType: 'audio/mpeg' })).rejects.toMatchObject({ code: 'bad_audio' });
      }
      expect(fake.received).toEqual([]);
    });

    it('refuses audio over the configured byte cap before any upload', async () => {
      for (const [, t] of providers()) {
        await expect(transcribeAudio(t, { bytes: speech, mimeType: 'audio/wav' }, { maxBytes: 1024 })).rejects.toMatchObject({ code: 'too_long' });
      }
      expect(fake.received).toEqual([]);
    });

    it('passes provider failures through with the customer-facing code', async () => {
      fake.setBehaviour({ kind: 'status', status: 502 });
      const outcomes: TranscriptionOutcome[] = [];
      const t = createTranscriber({ voiceProcessorUrl: fake.url });
      await expect(transcribeAudio(t, { bytes: speech, mimeType: 'audio/wav' }, { onDuration: (_s, o) => outcomes.push(o) })).rejects.toMatchObject({
        code: 'provider_error',
        retryable: true,
      });
      expect(outcomes).toEqual(['provider_error']);
      expect(fake.received).toHaveLength(1);
    });

    it('records a caller abort as aborted and rethrows its reason', async () => {
      fake.setBehaviour({ kind: 'slow', delayMs: 3_000 });
      const controller = new AbortController();
      const reason = new Error('customer closed the page');
      setTimeout(() => controller.abort(reason), 50);
      const outcomes: TranscriptionOutcome[] = [];
      const t = createTranscriber({ openaiBaseUrl: fake.url });
      await expect(
        transcribeAudio(t, { bytes: speech, mimeType: 'audio/wav' }, { signal: controller.signal, onDuration: (_s, o) => outcomes.push(o) }),
      ).rejects.toBe(reason);
      expect(outcomes).toEqual(['aborted']);
    });

    it('fills the duration from the WAV header when the provider gives none', async () => {
      fake.setBehaviour({ kind: 'ok', duration: null });
      const t = createTranscriber({ voiceProcessorUrl: fake.url });
      const transcript = await transcribeAudio(t, { bytes: speech, mimeType: 'audio/wav' });
      expect(transcript.durationSec).toBeCloseTo((speech.length - 44) / (22050 * 2), 3);
    });

    it.each([
      ['ogg', 'audio/ogg'],
      ['mp3', 'audio/mpeg'],
    ] as const)('carries sox-made %s through both providers byte for byte', async (format, mimeType) => {
      const bytes = await convertAudio(speech, format);
      for (const [, t] of providers()) await transcribeAudio(t, { bytes, mimeType });
      expect(fake.received.map((r) => [r.filename, r.audioSha256])).toEqual([
        [`audio.${format}`, sha256(bytes)],
        [`audio.${format}`, sha256(bytes)],
      ]);
    });
  },
  ['ogg', 'mp3'],
);
