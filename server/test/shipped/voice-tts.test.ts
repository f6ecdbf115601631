/**
 * Voice and spoken replies through the built server against the fake services over real HTTP on
 * loopback: a recorded turn (multipart upload, and the WebSocket stream) is transcribed by the fake
 * whisper-asr-webservice (VOICE_PROCESSOR_URL) and the follow-up question is read aloud by the fake
 * OpenAI-compatible speech API (TTS_BASE_URL). Both providers call the runtime's global fetch, not the
 * undici package (src/voice/provider-http.ts, openai-speech.ts): this file names no load point (an
 * empty @covers). What it proves is the bundled multipart, WebSocket (ws) and provider code as shipped.
 *
 * @covers
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, squareSetup, startSession, type CustomerSession } from '../helpers/customer.js';
import { startFakeTranscriber, type FakeTranscriber } from '../helpers/fake-transcriber.js';
import { startFakeSpeechServer, type FakeSpeechServer } from '../helpers/fake-speech.js';
import { openStream } from '../helpers/voice-stream-client.js';
import { tinyWav } from '../helpers/audio.js';

const SPOKEN = 'Kaffet var varmt och kanelbullen var nybakad. Anna i kassan var snabb och trevlig.';
/** What the fake speech service answers: an ID3 tag then noise, which the server labels as MP3 by its magic bytes. */
const MP3 = Buffer.concat([Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1'), randomBytes(512)]);

let saleSeq = 0;
/** A session whose purchase is verified against an ingested Square sale, ready for feedback. */
async function verifiedSession(p: ServedPlatform, c: ConnectionSetup, qrToken: string): Promise<CustomerSession> {
  const amountMinor = 21_000 + 150 * saleSeq++;
  const sale = await ingestSale(p, c, amountMinor, 2);
  const s = await startSession(p, { qrToken });
  const v = await s.call('POST', '/verify', { amount: String(amountMinor / 100), purchasedAt: sale.occurredAt, cardLast4: sale.last4 ?? undefined });
  expect(v.status, v.text).toBe(200);
  return s;
}

/** A voice turn as the browser uploads it: multipart with the recording. */
async function postVoice(p: ServedPlatform, s: CustomerSession, wav: Buffer): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('audio', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'inspelning.wav');
  const res = await fetch(`${p.baseUrl}/api/v1/feedback-sessions/${s.sessionId}/feedback`, { method: 'POST', body: form, headers: { authorization: `Bearer ${s.token}` } });
  return { status: res.status, body: await res.json() };
}

/** The assistant's latest question as audio, exactly as the customer app fetches it. */
async function assistantSpeech(p: ServedPlatform, s: CustomerSession): Promise<{ status: number; contentType: string | null; bytes: Buffer }> {
  const res = await fetch(`${p.baseUrl}/api/v1/feedback-sessions/${s.sessionId}/assistant-speech`, { headers: { authorization: `Bearer ${s.token}` } });
  return { status: res.status, contentType: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('voice and spoken replies through the built server (fake transcriber and speech services)', () => {
  let p: ServedPlatform;
  let transcriber: FakeTranscriber;
  let speech: FakeSpeechServer;
  let c: ConnectionSetup;
  let qrToken: string;

  beforeAll(async () => {
    transcriber = await startFakeTranscriber();
    speech = await startFakeSpeechServer({ kind: 'audio', bytes: MP3 });
    p = await startServedPlatform({ VOICE_PROCESSOR_URL: transcriber.url, TTS_BASE_URL: speech.url, TTS_API_KEY: 'sk-shipped-tts', TTS_VOICE: 'nova' }, 'voice server');
    c = await squareSetup(p);
    ({ qrToken } = await locationQr(p, c));
  });
  afterAll(async () => {
    await p?.stop();
    await transcriber?.close();
    await speech?.close();
  });

  it('transcribes an uploaded recording with the fake and reads the follow-up question aloud with the fake TTS', async () => {
    transcriber.setBehaviour({ kind: 'ok', text: SPOKEN, duration: 4.25 });
    const s = await verifiedSession(p, c, qrToken);
    const wav = tinyWav(1);

    const turn = await postVoice(p, s, wav);
    expect(turn.status, JSON.stringify(turn.body)).toBe(200);
    expect(turn.body).toMatchObject({ status: 'follow_up', transcript: { text: SPOKEN, language: 'sv', durationSec: 4.25 } });
    expect(turn.body.followUp.text).toEqual(expect.any(String));
    expect(transcriber.received).toHaveLength(1);
    expect(transcriber.received[0]).toMatchObject({ api: 'whisper', path: '/asr', language: 'sv', fileField: 'audio_file', audioBytes: wav.length, audioSha256: createHash('sha256').update(wav).digest('hex') });

    const spoken = await assistantSpeech(p, s);
    expect(spoken.status).toBe(200);
    expect(spoken.contentType).toBe('audio/mpeg');
    expect(spoken.bytes.equals(MP3)).toBe(true);
    expect(speech.received.at(-1)).toMatchObject({ path: '/v1/audio/speech', authorization: 'Bearer sk-shipped-tts', body: { model: 'tts-1', input: turn.body.followUp.text, voice: 'nova', response_format: 'mp3' } });
  });

  it('streams a recording over the WebSocket: the final transcript, the turn, then the question as speech', async () => {
    transcriber.reset();
    const wav = tinyWav(1);
    transcriber.setBehaviour({ kind: 'progressive', text: SPOKEN, fullBytes: wav.length });
    const s = await verifiedSession(p, c, qrToken);

    const stream = await openStream(p, s);
    expect(await stream.next('ready')).toMatchObject({ type: 'ready', protocol: 'kvittra.voice.v1' });
    stream.sendAudio(wav);
    stream.sendJson({ type: 'end' });
    expect(await stream.next('final')).toMatchObject({ type: 'final', transcript: SPOKEN, language: 'sv' });
    const turn = await stream.next('turn');
    expect(turn).toMatchObject({ type: 'turn', status: 'follow_up', transcript: { text: SPOKEN } });
    expect(await stream.closed).toEqual({ code: 1000, reason: 'done' });
    expect(transcriber.received.at(-1)).toMatchObject({ api: 'whisper', audioBytes: wav.length });

    const spoken = await assistantSpeech(p, s);
    expect(spoken.status).toBe(200);
    expect(spoken.bytes.equals(MP3)).toBe(true);
    expect(speech.received.at(-1)!.body).toMatchObject({ input: turn.followUp.text });
  });
});
