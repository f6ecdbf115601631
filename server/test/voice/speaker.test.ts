import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EspeakSpeaker, fixWavSizes } from '../../src/voice/espeak-speaker.js';
import { OpenAiSpeaker } from '../../src/voice/openai-speech.js';
import { SpeechError, createSpeaker, labelSpeech } from '../../src/voice/speaker.js';
import { wavDurationSeconds } from '../../src/voice/audio-format.js';
import { convertAudio, describeWithAudioTools, makeSpeechWav, soxiDuration } from '../helpers/audio.js';
import { startFakeSpeechServer, type FakeSpeechServer } from '../helpers/fake-speech.js';

const base = { baseUrl: undefined, apiKey: undefined, model: 'tts-1', voice: 'alloy' };

describe('createSpeaker', () => {
  it('is null (speech unavailable) when nothing is configured', () => {
    expect(createSpeaker({ ...base, provider: undefined })).toBeNull();
    expect(createSpeaker({ ...base, provider: 'none', baseUrl: 'http://127.0.0.1:1' })).toBeNull();
  });

  it('uses the OpenAI-compatible endpoint when a base URL is configured', () => {
    expect(createSpeaker({ ...base, provider: undefined, baseUrl: 'http://127.0.0.1:1' })).toBeInstanceOf(OpenAiSpeaker);
  });

  it('refuses openai without a base URL and espeak without the binary, saying why', () => {
    const warn = vi.fn();
    expect(createSpeaker({ ...base, provider: 'openai' }, { warn })).toBeNull();
    expect(createSpeaker({ ...base, provider: 'espeak', espeakCommand: 'no-such-espeak-binary-here' }, { warn })).toBeNull();
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('labels audio by its bytes and refuses what is not audio', () => {
    expect(labelSpeech(Buffer.from('ID3\u0004\u0000rest'), 'x').contentType).toBe('audio/mpeg');
    expect(() => labelSpeech(Buffer.from('{"error":1}'), 'x')).toThrow(SpeechError);
  });
});

describeWithAudioTools('EspeakSpeaker (the real espeak-ng binary)', () => {
  it('is chosen for TTS_PROVIDER=espeak when installed', () => {
    expect(createSpeaker({ ...base, provider: 'espeak' })).toBeInstanceOf(EspeakSpeaker);
  });

  it('reads Swedish and English as a playable WAV with real sizes in its header', async () => {
    const speaker = new EspeakSpeaker();
    for (const language of ['sv', 'en'] as const) {
      const speech = await speaker.synthesize(language === 'sv' ? 'Vad tyckte du om kaffet?' : 'What did you think of the coffee?', { language });
      expect(speech.contentType).toBe('audio/wav');
      expect(speech.bytes.readUInt32LE(4)).toBe(speech.bytes.length - 8);
      const seconds = wavDurationSeconds(speech.bytes)!;
      expect(seconds).toBeGreaterThan(0.5);
      expect(await soxiDuration(speech.bytes)).toBeCloseTo(seconds, 2);
    }
  });

  it('speaks text that looks like an option instead of obeying it (text goes in on stdin)', async () => {
    const speech = await new EspeakSpeaker().synthesize('--version', { language: 'en' });
    expect(speech.contentType).toBe('audio/wav');
  });

  it('reports a binary that fails as a SpeechError', async () => {
    await expect(new EspeakSpeaker({ command: 'false' }).synthesize('hej', { language: 'sv' })).rejects.toBeInstanceOf(SpeechError);
  });

  it('fixWavSizes leaves a correct header correct', async () => {
    const wav = await makeSpeechWav('hej');
    expect(fixWavSizes(Buffer.from(wav)).equals(wav)).toBe(true);
  });
});

describeWithAudioTools(
  'OpenAiSpeaker against a fake speech server over real HTTP',
  () => {
    let fake: FakeSpeechServer;
    let mp3: Buffer;
    beforeAll(async () => {
      mp3 = await convertAudio(await makeSpeechWav('Vad tyckte du om kaffet?'), 'mp3');
      fake = await startFakeSpeechServer({ kind: 'audio', bytes: mp3 });
    });
    afterAll(() => fake.close());

    const speaker = (o: { apiKey?: string; timeoutMs?: number; baseUrl?: string } = {}) =>
      new OpenAiSpeaker({ baseUrl: o.baseUrl ?? fake.url, apiKey: o.apiKey, model: 'tts-1-hd', voice: 'nova', timeoutMs: o.timeoutMs });

    it('posts {model, input, voice, response_format} with the key and returns the audio labelled by its bytes', async () => {
      fake.setBehaviour({ kind: 'audio', bytes: mp3, contentType: 'application/octet-stream' });
      const speech = await speaker({ apiKey: 'sk-test', baseUrl: `${fake.url}/v1/` }).synthesize('Vad tyckte du om kaffet?', { language: 'sv' });
      expect(speech.contentType).toBe('audio/mpeg');
      expect(speech.bytes.equals(mp3)).toBe(true);
      expect(fake.received.at(-1)).toEqual({
        path: '/v1/audio/speech',
        authorization: 'Bearer sk-test',
        contentType: 'application/json',
        body: { model: 'tts-1-hd', input: 'Vad tyckte du om kaffet?', voice: 'nova', response_format: 'mp3' },
      });
    });

    it('sends no authorization header without a key', async () => {
      fake.setBehaviour({ kind: 'audio', bytes: mp3 });
      await speaker().synthesize('Hej', { language: 'sv' });
      expect(fake.received.at(-1)!.authorization).toBeNull();
    });

    it.each([
      [500, true],
      [429, true],
      [401, false],
      [400, false],
    ])('HTTP %i is a SpeechError (retryable: %s)', async (status, retryable) => {
      fake.setBehaviour({ kind: 'status', status });
      const err = await speaker().synthesize('Hej', { language: 'sv' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SpeechError);
      expect((err as SpeechError).retryable).toBe(retryable);
    });

    it('refuses a 200 that is not audio', async () => {
      fake.setBehaviour({ kind: 'not-audio' });
      await expect(speaker().synthesize('Hej', { language: 'sv' })).rejects.toBeInstanceOf(SpeechError);
    });

    it('gives up after its timeout with a retryable SpeechError', async () => {
      fake.setBehaviour({ kind: 'slow', delayMs: 5_000 });
      const err = await speaker({ timeoutMs: 100 }).synthesize('Hej', { language: 'sv' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SpeechError);
      expect((err as SpeechError).message).toMatch(/in time/);
      expect((err as SpeechError).retryable).toBe(true);
    });

    it('reports an unreachable server as retryable', async () => {
      const err = await speaker({ baseUrl: 'http://127.0.0.1:1' }).synthesize('Hej', { language: 'sv' }).catch((e: unknown) => e);
      expect((err as SpeechError).retryable).toBe(true);
    });
  },
  ['mp3'],
);
