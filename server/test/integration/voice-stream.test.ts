import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { CONSENT, ingestSale, locationQr, squareSetup, startSession, type CustomerSession } from '../helpers/customer.js';
import { startFakeTranscriber, type FakeTranscriber } from '../helpers/fake-transcriber.js';
import { convertAudio, describeWithAudioTools, makeSilenceWav, makeSpeechWav, soxiDuration } from '../helpers/audio.js';
import { startFakeSpeechServer, type FakeSpeechServer } from '../helpers/fake-speech.js';
import { chunks, openStream, refusedUpgrade, type StreamClient } from '../helpers/voice-stream-client.js';
import { loadScoringContext } from '../../src/feedback/scoring-context.js';
import { planFollowUp } from '../../src/scoring/follow-up.js';
import { sniffAudioFormat, wavDurationSeconds } from '../../src/voice/audio-format.js';

const SPOKEN = 'Kaffet var varmt och kanelbullen var nybakad. Anna i kassan var snabb och trevlig.';
const MAX_SECONDS = 30;
const MAX_BYTES = 500_000;

let saleSeq = 0;
async function verifiedSession(p: TestPlatform, c: ConnectionSetup, qrToken: string): Promise<CustomerSession> {
  const amountMinor = 18_000 + 150 * saleSeq++;
  const sale = await ingestSale(p, c, amountMinor, 2);
  const s = await startSession(p, { qrToken });
  const v = await s.call('POST', '/verify', { amount: String(amountMinor / 100), purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
  expect(v.status, v.text).toBe(200);
  return s;
}

async function customerTurns(p: TestPlatform, sessionId: string) {
  return p.ctx.db.kysely.selectFrom('feedback_turns').select(['role', 'text', 'source']).where('session_id', '=', sessionId).where('role', '=', 'customer').orderBy('seq').execute();
}

async function voiceMetricCount(p: TestPlatform, outcome: string): Promise<number> {
  const metric = await p.ctx.metrics.voiceDuration.get();
  return metric.values.find((v) => v.metricName === 'voice_processing_duration_seconds_count' && v.labels.outcome === outcome)?.value ?? 0;
}

/** Sends the recording in pieces and waits until the server has answered with a partial after the first half. */
async function streamWithPartials(client: StreamClient, audio: Buffer): Promise<string[]> {
  const pieces = chunks(audio, 8);
  for (const piece of pieces.slice(0, 4)) client.sendAudio(piece);
  const first = await client.next('partial');
  for (const piece of pieces.slice(4)) client.sendAudio(piece);
  let latest = first;
  while (latest.text !== SPOKEN) latest = await client.next('partial');
  return client.frames.filter((f) => f.type === 'partial').map((f) => f.text as string);
}

describe.skipIf(backendUnavailable)('voice stream over WebSocket', () => {
  describeWithAudioTools('with a transcription service (fake WhisperX over real HTTP) and espeak-ng speech', () => {
    let p: TestPlatform;
    let fake: FakeTranscriber;
    let c: ConnectionSetup;
    let qrToken: string;
    let speech: Buffer;

    beforeAll(async () => {
      fake = await startFakeTranscriber();
      p = await startTestPlatform({
        VOICE_PROCESSOR_URL: fake.url,
        VOICE_STREAM_PARTIAL_INTERVAL_MS: '40',
        VOICE_STREAM_MAX_SECONDS: String(MAX_SECONDS),
        VOICE_STREAM_MAX_BYTES: String(MAX_BYTES),
        TTS_PROVIDER: 'espeak',
      });
      c = await squareSetup(p);
      ({ qrToken } = await locationQr(p, c));
      speech = await makeSpeechWav(SPOKEN);
    });
    afterAll(async () => {
      await p?.stop();
      await fake?.close();
    });
    afterEach(() => fake.reset());

    it('tells the customer app what voice can do: upload, stream and spoken replies', async () => {
      const res = await p.api('GET', `/api/v1/locations/by-qr/${qrToken}`);
      expect(res.body).toMatchObject({ voiceAvailable: true, voice: { upload: true, stream: true, tts: true } });
      const created = await p.api('POST', '/api/v1/feedback-sessions', { qrToken, consent: CONSENT });
      expect(created.body.location.voice).toEqual({ upload: true, stream: true, tts: true });
    });

    it('streams a real recording: ready, growing partials, the final transcript, then the same turn as the HTTP endpoint', async () => {
      expect(speech.length).toBeLessThan(MAX_BYTES);
      fake.setBehaviour({ kind: 'progressive', text: SPOKEN, fullBytes: speech.length, delayMs: 60 });
      const s = await verifiedSession(p, c, qrToken);
      const before = await voiceMetricCount(p, 'ok');
      const client = await openStream(p, s);
      expect(client.protocol).toBe('kvittra.voice.v1'); // never the token protocol echoed back
      expect(await client.next('ready')).toEqual({ type: 'ready', protocol: 'kvittra.voice.v1', maxSeconds: MAX_SECONDS, maxBytes: MAX_BYTES });

      const partials = await streamWithPartials(client, speech);
      expect(partials.length).toBeGreaterThanOrEqual(2);
      for (const [i, text] of partials.entries()) {
        expect(SPOKEN.startsWith(text)).toBe(true);
        if (i > 0) expect(text.length).toBeGreaterThan(partials[i - 1]!.length);
      }

      client.sendJson({ type: 'end' });
      const final = await client.next('final');
      // whisper-asr-webservice reports no duration without segments; the WAV header's exact length fills the gap.
      const seconds = wavDurationSeconds(speech);
      expect(final).toEqual({ type: 'final', transcript: SPOKEN, language: 'sv', durationSec: seconds });
      const turn = await client.next('turn');
      const followUp = planFollowUp({ turns: [{ role: 'customer', text: SPOKEN }], context: await loadScoringContext(p.ctx, c.businessId), askedSoFar: 0 });
      expect(turn).toEqual({ type: 'turn', status: 'follow_up', followUp: { text: followUp!.text, questionId: null, remaining: 1 }, transcript: { text: SPOKEN, language: 'sv', durationSec: seconds } });
      expect(await client.closed).toEqual({ code: 1000, reason: 'done' });

      // Every transcription got the whole recording so far (a prefix of the real bytes), one at a time, in Swedish.
      expect(fake.concurrency.max).toBe(1);
      expect(fake.received.at(-1)!.audioBytes).toBe(speech.length);
      for (const r of fake.received) expect(r).toMatchObject({ api: 'whisper', language: 'sv', fileType: 'audio/wav' });
      expect(await customerTurns(p, s.sessionId)).toEqual([{ role: 'customer', text: SPOKEN, source: 'voice' }]);
      // The metric times the transcription the turn waited for: exactly one more.
      expect(await voiceMetricCount(p, 'ok')).toBe(before + 1);
    });

    it('answers a follow-up by voice with finish: the completed result is the one the session reports', async () => {
      fake.setBehaviour({ kind: 'progressive', text: SPOKEN, fullBytes: speech.length });
      const s = await verifiedSession(p, c, qrToken);
      expect((await s.call('POST', '/feedback', { text: 'Bra kaffe men lång kö vid kassan vid lunch.' })).body.status).toBe('follow_up');
      const client = await openStream(p, s, 'header');
      client.sendAudio(speech);
      client.sendJson({ type: 'end', finish: true });
      const turn = await client.next('turn');
      expect(turn).toMatchObject({ status: 'completed', reward: { currency: 'SEK' }, transcript: { text: SPOKEN } });
      const { type: _type, transcript: _transcript, ...body } = turn;
      const session = await s.call('GET', '');
      expect(session.body.status).toBe('completed');
      expect(body).toEqual(session.body.result);
      expect(await client.closed).toEqual({ code: 1000, reason: 'done' });
    });

    it('reads the assistant\'s latest question aloud with espeak-ng, in Swedish, and does not store it', async () => {
      fake.setBehaviour({ kind: 'ok', text: SPOKEN });
      const s = await verifiedSession(p, c, qrToken);
      const none = await s.call('GET', '/assistant-speech');
      expect(none.status).toBe(404);
      expect(none.body.error.code).toBe('not_found');
      expect((await s.call('POST', '/feedback', { text: SPOKEN })).body.status).toBe('follow_up');

      const res = await fetch(`${p.baseUrl}/api/v1/feedback-sessions/${s.sessionId}/assistant-speech`, { headers: { authorization: `Bearer ${s.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const audio = Buffer.from(await res.arrayBuffer());
      expect(sniffAudioFormat(audio)).toBe('wav');
      expect(await soxiDuration(audio)).toBeCloseTo(wavDurationSeconds(audio)!, 2);
      expect(wavDurationSeconds(audio)!).toBeGreaterThan(0.5);

      const unauth = await p.api('GET', `/api/v1/feedback-sessions/${s.sessionId}/assistant-speech`);
      expect(unauth.status).toBe(401);
      expect(unauth.body.error.code).toBe('invalid_session_token');
    });

    it('a failed transcription is an error frame, never a made-up transcript; the customer retries with end and it works', async () => {
      fake.setBehaviour({ kind: 'status', status: 500 });
      const s = await verifiedSession(p, c, qrToken);
      const before = await voiceMetricCount(p, 'provider_error');
      const client = await openStream(p, s);
      client.sendAudio(speech);
      client.sendJson({ type: 'end' });
      const error = await client.next('error');
      expect(error).toMatchObject({ code: 'transcription_failed', retryable: true, fatal: false });
      expect(client.frames.map((f) => f.type)).not.toContain('final');
      expect(await customerTurns(p, s.sessionId)).toEqual([]);
      expect(await voiceMetricCount(p, 'provider_error')).toBe(before + 1);

      fake.setBehaviour({ kind: 'ok', text: SPOKEN });
      client.sendJson({ type: 'end' });
      expect((await client.next('final')).transcript).toBe(SPOKEN);
      expect((await client.next('turn')).status).toBe('follow_up');
      expect(await customerTurns(p, s.sessionId)).toEqual([{ role: 'customer', text: SPOKEN, source: 'voice' }]);
    });

    it('closes with 4502 when the service hears nothing, and the customer can still type', async () => {
      fake.setBehaviour({ kind: 'empty-text' });
      const s = await verifiedSession(p, c, qrToken);
      const client = await openStream(p, s);
      client.sendAudio(await makeSilenceWav(1));
      client.sendJson({ type: 'end' });
      expect(await client.next('error')).toMatchObject({ code: 'transcription_failed', retryable: false, fatal: true });
      expect(await client.closed).toEqual({ code: 4502, reason: 'transcription_failed' });
      expect(await customerTurns(p, s.sessionId)).toEqual([]);
      const typed = await s.call('POST', '/feedback', { text: 'Kaffet var gott men kön var lång.' });
      expect(typed.status, typed.text).toBe(200);
    });

    it('closes with audio_too_long (4413) beyond the byte cap, before transcribing', async () => {
      const s = await verifiedSession(p, c, qrToken);
      const big = await makeSilenceWav(20, 16_000); // over the byte cap, under the time cap
      expect(big.length).toBeGreaterThan(MAX_BYTES);
      const client = await openStream(p, s);
      for (const piece of chunks(big, 10)) client.sendAudio(piece);
      expect(await client.next('error')).toMatchObject({ code: 'audio_too_long', fatal: true });
      expect(await client.closed).toEqual({ code: 4413, reason: 'audio_too_long' });
      expect(fake.received.every((r) => r.audioBytes <= MAX_BYTES)).toBe(true);
    });

    it('closes with audio_too_long (4413) beyond VOICE_STREAM_MAX_SECONDS', async () => {
      const s = await verifiedSession(p, c, qrToken);
      const long = await makeSilenceWav(MAX_SECONDS + 5, 2000); // under the byte cap, over the time cap
      expect(long.length).toBeLessThan(MAX_BYTES);
      expect(wavDurationSeconds(long)).toBeGreaterThan(MAX_SECONDS);
      const client = await openStream(p, s);
      client.sendAudio(long);
      client.sendJson({ type: 'end' });
      const error = await client.next('error');
      expect(error).toMatchObject({ code: 'audio_too_long', fatal: true });
      expect(error.message).toContain(`${MAX_SECONDS} seconds`);
      expect(await client.closed).toEqual({ code: 4413, reason: 'audio_too_long' });
      expect(fake.received).toEqual([]);
    });

    it('refuses bytes that are not audio (4415) and answers malformed text frames without closing', async () => {
      const s = await verifiedSession(p, c, qrToken);
      const client = await openStream(p, s);
      client.sendJson({ type: 'shout' });
      expect(await client.next('error')).toMatchObject({ code: 'validation_failed', fatal: false });
      client.sendAudio(Buffer.from('%PDF-1.7 this is a document, not audio'));
      expect(await client.next('error')).toMatchObject({ code: 'unsupported_audio', fatal: true });
      expect(await client.closed).toEqual({ code: 4415, reason: 'unsupported_audio' });
    });

    it('cancel discards the recording: nothing transcribed, nothing stored', async () => {
      const s = await verifiedSession(p, c, qrToken);
      const client = await openStream(p, s);
      await client.next('ready');
      client.sendAudio(speech.subarray(0, 1000));
      client.sendJson({ type: 'cancel' });
      expect(await client.closed).toEqual({ code: 1000, reason: 'cancelled' });
      expect(await customerTurns(p, s.sessionId)).toEqual([]);
    });

    it('after the upgrade: a conversation finished over HTTP meanwhile ends the stream with an error frame and 4409', async () => {
      fake.setBehaviour({ kind: 'ok', text: SPOKEN });
      const s = await verifiedSession(p, c, qrToken);
      const client = await openStream(p, s);
      await client.next('ready');
      client.sendAudio(speech);
      await client.next('partial'); // the one partial for this audio has been answered; no more audio, no more partials
      expect((await s.call('POST', '/feedback', { text: 'Bra kaffe och trevlig personal.', finish: true })).body.status).toBe('completed');
      const sentBefore = fake.received.length;
      client.sendJson({ type: 'end' });
      expect(await client.next('error')).toMatchObject({ code: 'session_state', fatal: true });
      expect(await client.closed).toEqual({ code: 4409, reason: 'session_state' });
      expect(fake.received.length).toBe(sentBefore); // the recording never went to the provider after the finish
      expect(await customerTurns(p, s.sessionId)).toEqual([{ role: 'customer', text: 'Bra kaffe och trevlig personal.', source: 'text' }]);
    });

    it('refuses before the upgrade, with a JSON error: no token, unverified, finished, a second stream, plain HTTP', async () => {
      const unverified = await startSession(p, { qrToken });
      expect(await refusedUpgrade(p, unverified, 'none')).toMatchObject({ status: 401, body: { error: { code: 'invalid_session_token' } } });
      expect(await refusedUpgrade(p, { sessionId: unverified.sessionId, token: 'wrong-token' })).toMatchObject({ status: 401 });
      expect(await refusedUpgrade(p, unverified)).toMatchObject({ status: 409, body: { error: { code: 'session_not_verified' } } });

      const s = await verifiedSession(p, c, qrToken);
      const first = await openStream(p, s);
      await first.next('ready');
      expect(await refusedUpgrade(p, s)).toMatchObject({ status: 409, body: { error: { code: 'session_state' } } });
      first.sendJson({ type: 'cancel' });
      await first.closed;

      const plain = await s.call('GET', '/voice-stream');
      expect(plain.status).toBe(426);
      expect(plain.body.error.code).toBe('websocket_required');

      expect((await s.call('POST', '/feedback', { text: 'Bra.', finish: true })).status).toBe(200);
      expect(await refusedUpgrade(p, s)).toMatchObject({ status: 409, body: { error: { code: 'session_state' } } });
    });
  });
});

describe.skipIf(backendUnavailable)('voice stream without providers', () => {
  let p: TestPlatform;
  let c: ConnectionSetup;
  let qrToken: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    c = await squareSetup(p);
    ({ qrToken } = await locationQr(p, c));
  });
  afterAll(() => p?.stop());

  it('reports voice as unavailable, refuses the stream with 503 voice_unavailable and speech with 503 tts_unavailable; text still works', async () => {
    const loc = await p.api('GET', `/api/v1/locations/by-qr/${qrToken}`);
    expect(loc.body).toMatchObject({ voiceAvailable: false, voice: { upload: false, stream: false, tts: false } });
    const s = await verifiedSession(p, c, qrToken);
    expect(await refusedUpgrade(p, s)).toMatchObject({ status: 503, body: { error: { code: 'voice_unavailable' } } });
    expect((await s.call('POST', '/feedback', { text: SPOKEN })).body.status).toBe('follow_up');
    const speech = await s.call('GET', '/assistant-speech');
    expect(speech.status).toBe(503);
    expect(speech.body.error.code).toBe('tts_unavailable');
  });
});

describe.skipIf(backendUnavailable)('voice stream, OpenAI-compatible providers', () => {
  describeWithAudioTools(
    'with OpenAI-compatible transcription and speech (fakes over real HTTP)',
    () => {
      let p: TestPlatform;
      let fake: FakeTranscriber;
      let speechServer: FakeSpeechServer;
      let c: ConnectionSetup;
      let qrToken: string;
      let mp3: Buffer;
      beforeAll(async () => {
        fake = await startFakeTranscriber({ apiKey: 'sk-stt' });
        mp3 = await convertAudio(await makeSpeechWav('Vad tyckte du om kanelbullen?'), 'mp3');
        speechServer = await startFakeSpeechServer({ kind: 'audio', bytes: mp3 });
        p = await startTestPlatform({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-stt', TTS_BASE_URL: speechServer.url, TTS_API_KEY: 'sk-tts', TTS_VOICE: 'nova' });
        c = await squareSetup(p);
        ({ qrToken } = await locationQr(p, c));
      });
      afterAll(async () => {
        await p?.stop();
        await fake?.close();
        await speechServer?.close();
      });

      it('streams mp3 through the OpenAI transcription API and reads the follow-up through the OpenAI speech API', async () => {
        const spokenMp3 = await convertAudio(await makeSpeechWav(SPOKEN), 'mp3');
        fake.setBehaviour({ kind: 'ok', text: SPOKEN, duration: 5.1 });
        const s = await verifiedSession(p, c, qrToken);
        const client = await openStream(p, s);
        for (const piece of chunks(spokenMp3, 4)) client.sendAudio(piece);
        client.sendJson({ type: 'end' });
        expect(await client.next('final')).toEqual({ type: 'final', transcript: SPOKEN, language: 'sv', durationSec: 5.1 });
        const turn = await client.next('turn');
        expect(turn.status).toBe('follow_up');
        expect(fake.received.at(-1)).toMatchObject({ api: 'openai', fileType: 'audio/mpeg', audioBytes: spokenMp3.length, language: 'sv' });

        const res = await fetch(`${p.baseUrl}/api/v1/feedback-sessions/${s.sessionId}/assistant-speech`, { headers: { authorization: `Bearer ${s.token}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('audio/mpeg');
        expect(Buffer.from(await res.arrayBuffer()).equals(mp3)).toBe(true);
        expect(speechServer.received.at(-1)).toMatchObject({ authorization: 'Bearer sk-tts', body: { model: 'tts-1', input: turn.followUp.text, voice: 'nova', response_format: 'mp3' } });
      });

      it('answers 502 tts_failed when the speech service fails, and the question stays available as text', async () => {
        const s = await verifiedSession(p, c, qrToken);
        expect((await s.call('POST', '/feedback', { text: SPOKEN })).body.status).toBe('follow_up');
        speechServer.setBehaviour({ kind: 'status', status: 500 });
        const res = await s.call('GET', '/assistant-speech');
        expect(res.status).toBe(502);
        expect(res.body.error).toMatchObject({ code: 'tts_failed', details: { retryable: true } });
        expect((await s.call('GET', '')).body.turns.at(-1)).toMatchObject({ role: 'assistant' });
        speechServer.setBehaviour({ kind: 'audio', bytes: mp3 });
      });

      it('rate-limits stream openings per session (429 before the upgrade)', async () => {
        const s = await verifiedSession(p, c, qrToken);
        for (let i = 0; i < 10; i++) {
          const client = await openStream(p, s).catch(() => null); // an earlier stream may still be closing (409)
          if (client) {
            await client.next('ready');
            client.sendJson({ type: 'cancel' });
            await client.closed;
          }
        }
        expect(await refusedUpgrade(p, s)).toMatchObject({ status: 429 });
      });
    },
    ['mp3'],
  );
});
