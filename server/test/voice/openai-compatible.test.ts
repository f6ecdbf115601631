import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { OpenAiTranscriber } from '../../src/voice/openai-compatible.js';
import { onTempFileEvent, type TempFileEvent } from '../../src/voice/temp-file.js';
import { DEFAULT_FAKE_TEXT, startFakeTranscriber, type FakeTranscriber } from '../helpers/fake-transcriber.js';
import { convertAudio, describeWithAudioTools, makeSpeechWav } from '../helpers/audio.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let fake: FakeTranscriber;
let speech: Buffer;

describeWithAudioTools(
  'OpenAiTranscriber against a fake /v1/audio/transcriptions',
  () => {
    beforeAll(async () => {
      fake = await startFakeTranscriber();
      speech = await makeSpeechWav('Personalen var trevlig och maten kom snabbt.');
    });
    afterAll(() => fake.close());
    beforeEach(() => fake.reset());

    it('sends file, model, response_format and language, with a bearer key, and maps the answer', async () => {
      const t = new OpenAiTranscriber({ baseUrl: fake.url, apiKey: 'sk-test-123' });
      const transcript = await t.transcribe({ bytes: speech, mimeType: 'audio/wav' }, { language: 'sv' });
      expect(fake.received).toHaveLength(1);
      const rec = fake.received[0]!;
      expect(rec.path).toBe('/v1/audio/transcriptions');
      expect(rec.fileField).toBe('file');
      expect(rec.filename).toBe('audio.wav');
      expect(rec.audioSha256).toBe(sha256(speech));
      expect(rec.fields).toEqual({ model: 'whisper-1', response_format: 'verbose_json', language: 'sv' });
      expect(rec.headers.authorization).toBe('Bearer sk-test-123');
      // The fake answers like OpenAI: a language *name*.
      expect(transcript).toEqual({ text: DEFAULT_FAKE_TEXT, language: 'sv', durationSec: 2.5, provider: 'openai-compatible' });
    });

    it('omits language and Authorization when not given, and uses a configured model', async () => {
      const t = new OpenAiTranscriber({ baseUrl: fake.url, model: 'Systran/faster-whisper-small' });
      await t.transcribe({ bytes: speech, mimeType: 'audio/wav' }, {});
      const rec = fake.received[0]!;
      expect(rec.fields).toEqual({ model: 'Systran/faster-whisper-small', response_format: 'verbose_json' });
      expect(rec.headers.authorization).toBeUndefined();
    });

    it.each(['/v1', '/v1/', '/'])('accepts a base URL ending in %j without doubling /v1', async (suffix) => {
      await new OpenAiTranscriber({ baseUrl: fake.url + suffix }).transcribe({ bytes: speech, mimeType: 'audio/wav' }, {});
      expect(fake.received[0]!.path).toBe('/v1/audio/transcriptions');
    });

    it.each([
      ['swedish', 'sv'],
      ['Swedish', 'sv'],
      ['sv-SE', 'sv'],
      ['english', 'en'],
      ['en', 'en'],
      ['german', 'other'],
      ['', 'other'],
    ])('maps language %j to %s', async (reported, expected) => {
      fake.setBehaviour({ kind: 'ok', language: reported });
      const transcript = await new OpenAiTranscriber({ baseUrl: fake.url }).transcribe({ bytes: speech, mimeType: 'audio/wav' }, {});
      expect(transcript.language).toBe(expected);
    });

    it('sends from memory: no temp file is ever written', async () => {
      const events: TempFileEvent[] = [];
      const stop = onTempFileEvent((e) => events.push(e));
      try {
        await new OpenAiTranscriber({ baseUrl: fake.url }).transcribe({ bytes: speech, mimeType: 'audio/wav' }, {});
      } finally {
        stop();
      }
      expect(fake.received).toHaveLength(1);
      expect(events).toEqual([]);
    });

    it.each([
      ['ogg', 'audio/ogg'],
      ['mp3', 'audio/mpeg'],
    ] as const)('names a sox-made %s upload by its real format', async (format, mimeType) => {
      const bytes = await convertAudio(speech, format);
      await new OpenAiTranscriber({ baseUrl: fake.url }).transcribe({ bytes, mimeType, filename: 'Anna Svensson.bin' }, {});
      const rec = fake.received[0]!;
      expect(rec.filename).toBe(`audio.${format}`);
      expect(rec.fileType).toBe(mimeType);
      expect(rec.audioSha256).toBe(sha256(bytes));
    });

    it('accepts a duration sent as a string, and treats a missing one as unknown', async () => {
      const t = new OpenAiTranscriber({ baseUrl: fake.url });
      fake.setBehaviour({ kind: 'raw', body: { text: 'Bra service.', language: 'swedish', duration: '12.5' } });
      expect((await t.transcribe({ bytes: speech, mimeType: 'audio/wav' }, {})).durationSec).toBe(12.5);
      fake.setBehaviour({ kind: 'raw', body: { text: 'Bra service.' } });
      expect(await t.transcribe({ bytes: speech, mimeType: 'audio/wav' }, { language: 'en' })).toMatchObject({
        durationSec: null,
        language: 'en',
      });
    });

    it('is healthy when /v1/models answers', async () => {
      expect(await new OpenAiTranscriber({ baseUrl: fake.url }).health()).toBe(true);
      expect(fake.healthHits).toEqual(['/v1/models']);
      fake.setHealthy(false);
      expect(await new OpenAiTranscriber({ baseUrl: fake.url }).health()).toBe(false);
    });

    it('sends the key to health and transcription; a wrong key is a non-retryable provider error', async () => {
      const guarded = await startFakeTranscriber({ apiKey: 'sk-right' });
      try {
        expect(await new OpenAiTranscriber({ baseUrl: guarded.url, apiKey: 'sk-right' }).health()).toBe(true);
        expect(await new OpenAiTranscriber({ baseUrl: guarded.url, apiKey: 'sk-wrong' }).health()).toBe(false);
        const wrong = new OpenAiTranscriber({ baseUrl: guarded.url, apiKey: 'sk-wrong' });
        await expect(wrong.transcribe({ bytes: speech, mimeType: 'audio/wav' }, {})).rejects.toMatchObject({
          code: 'provider_error',
          retryable: false,
        });
        const right = new OpenAiTranscriber({ baseUrl: guarded.url, apiKey: 'sk-right' });
        expect((await right.transcribe({ bytes: speech, mimeType: 'audio/wav' }, {})).text).toBe(DEFAULT_FAKE_TEXT);
      } finally {
        await guarded.close();
      }
    });
  },
  ['ogg', 'mp3'],
);
