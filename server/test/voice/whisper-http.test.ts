import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { onTempFileEvent, type TempFileEvent } from '../../src/voice/temp-file.js';
import { TranscriptionError } from '../../src/voice/types.js';
import { WhisperHttpTranscriber } from '../../src/voice/whisper-http.js';
import { DEFAULT_FAKE_TEXT, startFakeTranscriber, type FakeTranscriber } from '../helpers/fake-transcriber.js';
import { describeWithAudioTools, makeSpeechWav } from '../helpers/audio.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let fake: FakeTranscriber;
let speech: Buffer;
let events: TempFileEvent[];
let unsubscribe: () => void;

describeWithAudioTools('WhisperHttpTranscriber against a fake whisper-asr-webservice', () => {
  beforeAll(async () => {
    fake = await startFakeTranscriber();
    speech = await makeSpeechWav('Hej, maten var god men kaffet var kallt.');
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    events = [];
    unsubscribe = onTempFileEvent((e) => events.push(e));
  });
  afterEach(() => unsubscribe());

  const transcriber = () => new WhisperHttpTranscriber({ baseUrl: `${fake.url}/` });

  it('uploads the exact audio bytes as audio_file to /asr with task, output and language', async () => {
    const transcript = await transcriber().transcribe({ bytes: speech, mimeType: 'audio/x-wav' }, { language: 'sv' });
    expect(fake.received).toHaveLength(1);
    const rec = fake.received[0]!;
    expect(rec.path).toBe('/asr');
    expect(rec.query).toEqual({ task: 'transcribe', output: 'json', language: 'sv' });
    expect(rec.fileField).toBe('audio_file');
    expect(rec.filename).toBe('audio.wav');
    expect(rec.fileType).toBe('audio/wav');
    expect(rec.audioBytes).toBe(speech.length);
    expect(rec.audioSha256).toBe(sha256(speech));
    expect(transcript).toEqual({ text: DEFAULT_FAKE_TEXT, language: 'sv', durationSec: 2.5, provider: 'whisper-http' });
  });

  it('leaves language out for auto-detection and maps what the service detected', async () => {
    fake.setBehaviour({ kind: 'ok', text: '  Great coffee.  ', language: 'en', duration: 1.25 });
    const transcript = await transcriber().transcribe({ bytes: speech, mimeType: 'audio/wav' }, {});
    expect(fake.received[0]!.query).toEqual({ task: 'transcribe', output: 'json' });
    expect(fake.received[0]!.language).toBeNull();
    expect(transcript).toMatchObject({ text: 'Great coffee.', language: 'en', durationSec: 1.25 });
  });

  it.each([
    ['de', undefined, 'other'],
    [null, 'en', 'en'],
    [null, undefined, 'other'],
  ] as const)('maps reported language %j (requested %j) to %s', async (reported, requested, expected) => {
    fake.setBehaviour({ kind: 'ok', language: reported });
    const transcript = await transcriber().transcribe({ bytes: speech, mimeType: 'audio/wav' }, { language: requested });
    expect(transcript.language).toBe(expected);
  });

  it('reports no duration when the service returns no segments', async () => {
    fake.setBehaviour({ kind: 'ok', duration: null });
    const transcript = await transcriber().transcribe({ bytes: speech, mimeType: 'audio/wav' }, {});
    expect(transcript.durationSec).toBeNull();
  });

  it('streams from a 0600 temp file that is gone once the request is done', async () => {
    let modeAtCreation = -1;
    const stop = onTempFileEvent((e) => {
      if (e.type === 'created') modeAtCreation = statSync(e.path).mode & 0o777;
    });
    try {
      await transcriber().transcribe({ bytes: speech, mimeType: 'audio/wav' }, {});
    } finally {
      stop();
    }
    expect(events.map((e) => e.type)).toEqual(['created', 'removed']);
    expect(modeAtCreation).toBe(0o600);
    expect(existsSync(events[0]!.path)).toBe(false);
    expect(existsSync(events[0]!.dir)).toBe(false);
  });

  it('removes the temp file when the provider fails', async () => {
    fake.setBehaviour({ kind: 'status', status: 500 });
    await expect(transcriber().transcribe({ bytes: speech, mimeType: 'audio/wav' }, {})).rejects.toBeInstanceOf(TranscriptionError);
    expect(events.map((e) => e.type)).toEqual(['created', 'removed']);
    expect(existsSync(events[0]!.dir)).toBe(false);
  });

  it('refuses a mismatched declared type before writing or uploading anything', async () => {
    await expect(transcriber().transcribe({ bytes: speech, mimeType: 'audio/webm' }, {})).rejects.toMatchObject({ code: 'bad_audio' });
    expect(events).toEqual([]);
    expect(fake.received).toEqual([]);
  });

  it('is healthy when / answers (following the redirect to /docs)', async () => {
    expect(await transcriber().health()).toBe(true);
    expect(fake.healthHits).toEqual(['/', '/docs']);
  });

  it('tries /health before declaring the service down', async () => {
    fake.setHealthy(false);
    expect(await transcriber().health()).toBe(false);
    expect(fake.healthHits).toEqual(['/', '/health']);
  });

  it('is unhealthy when nothing listens', async () => {
    const gone = await startFakeTranscriber();
    await gone.close();
    expect(await new WhisperHttpTranscriber({ baseUrl: gone.url }).health()).toBe(false);
  });
});
