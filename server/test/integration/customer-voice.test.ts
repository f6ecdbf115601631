import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, TEST_ADMIN_TOKEN, type TestPlatform } from '../helpers/platform.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/core/logger.js';
import { startPlatform, type Platform } from '../../src/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, squareSetup, startSession, type CustomerSession } from '../helpers/customer.js';
import { startFakeTranscriber, type FakeTranscriber } from '../helpers/fake-transcriber.js';
import { describeWithAudioTools, makeSilenceWav, makeSpeechWav, tinyWav } from '../helpers/audio.js';
import { onTempFileEvent, type TempFileEvent } from '../../src/voice/temp-file.js';
import { loadScoringContext } from '../../src/feedback/scoring-context.js';
import { planFollowUp } from '../../src/scoring/follow-up.js';

const SPOKEN = 'Kaffet var varmt och kanelbullen var nybakad. Anna i kassan var snabb och trevlig.';
const TRANSCRIPT = 'Kaffet var varmt och kanelbullen var nybakad. Anna i kassan var snabb och trevlig.';

interface Res {
  status: number;
  body: any;
  text: string;
}

/** A multipart voice turn exactly as a browser sends it: global fetch, FormData, Blob. */
async function postVoice(p: TestPlatform, s: CustomerSession, bytes: Buffer, o: { type?: string; filename?: string; finish?: boolean } = {}): Promise<Res> {
  const form = new FormData();
  if (o.finish) form.append('finish', 'true');
  form.append('audio', new Blob([new Uint8Array(bytes)], { type: o.type ?? 'audio/wav' }), o.filename ?? 'inspelning.wav');
  const res = await fetch(`${p.baseUrl}/api/v1/feedback-sessions/${s.sessionId}/feedback`, { method: 'POST', body: form, headers: { authorization: `Bearer ${s.token}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

let saleSeq = 0;
/** A session whose purchase is verified, ready for feedback. */
async function verifiedSession(p: TestPlatform, c: ConnectionSetup, qrToken: string): Promise<CustomerSession> {
  const amountMinor = 20_000 + 150 * saleSeq++;
  const sale = await ingestSale(p, c, amountMinor, 2);
  const s = await startSession(p, { qrToken });
  const v = await s.call('POST', '/verify', { amount: String(amountMinor / 100), purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
  expect(v.status, v.text).toBe(200);
  return s;
}

const voiceTempDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('kvittra-voice-')).sort();

async function turnsOf(p: TestPlatform, sessionId: string) {
  return p.ctx.db.kysely.selectFrom('feedback_turns').select(['role', 'text', 'source']).where('session_id', '=', sessionId).orderBy('seq').execute();
}

describe.skipIf(backendUnavailable)('voice feedback over HTTP', () => {
  describeWithAudioTools('with a transcription service (fake WhisperX over real HTTP)', () => {
    let p: TestPlatform;
    let fake: FakeTranscriber;
    let c: ConnectionSetup;
    let qrToken: string;
    let speech: Buffer;
    const events: (TempFileEvent & { mode?: number })[] = [];
    let unsubscribe: () => void;

    beforeAll(async () => {
      fake = await startFakeTranscriber();
      p = await startTestPlatform({ VOICE_PROCESSOR_URL: fake.url });
      c = await squareSetup(p);
      ({ qrToken } = await locationQr(p, c));
      speech = await makeSpeechWav(SPOKEN, 'sv');
      unsubscribe = onTempFileEvent((e) => {
        // Listeners run synchronously, so a freshly created file can still be inspected.
        // (An exception here would be swallowed by the hook, so the mode is recorded and asserted later.)
        events.push(e.type === 'created' ? { ...e, mode: statSync(e.path).mode & 0o777 } : e);
      });
    });
    afterAll(async () => {
      unsubscribe?.();
      await p?.stop();
      await fake?.close();
    });
    afterEach(() => {
      fake.reset();
      events.length = 0;
    });

    it('by-qr advertises voice', async () => {
      const res = await p.api('GET', `/api/v1/locations/by-qr/${qrToken}`);
      expect(res.status).toBe(200);
      expect(res.body.voiceAvailable).toBe(true);
    });

    it('transcribes a real espeak-ng recording: exact bytes upstream in Swedish, transcript returned, turn stored as voice', async () => {
      expect(speech.subarray(0, 4).toString('latin1')).toBe('RIFF');
      fake.setBehaviour({ kind: 'ok', text: TRANSCRIPT, duration: 4.25 });
      const s = await verifiedSession(p, c, qrToken);

      const res = await postVoice(p, s, speech);
      expect(res.status, res.text).toBe(200);
      // The transcript is treated exactly like typed text: the same follow-up the generator asks for it.
      const followUp = planFollowUp({ turns: [{ role: 'customer', text: TRANSCRIPT }], context: await loadScoringContext(p.ctx, c.businessId), askedSoFar: 0 });
      expect(res.body).toEqual({ status: 'follow_up', followUp: { text: followUp!.text, questionId: null, remaining: 1 }, transcript: { text: TRANSCRIPT, language: 'sv', durationSec: 4.25 } });

      expect(fake.received).toHaveLength(1);
      expect(fake.received[0]).toMatchObject({
        api: 'whisper',
        path: '/asr',
        query: { task: 'transcribe', output: 'json', language: 'sv' },
        fileField: 'audio_file',
        filename: 'audio.wav',
        fileType: 'audio/wav',
        language: 'sv',
        audioBytes: speech.length,
        audioSha256: createHash('sha256').update(speech).digest('hex'),
      });

      expect((await turnsOf(p, s.sessionId))[0]).toEqual({ role: 'customer', text: TRANSCRIPT, source: 'voice' });
      const view = await s.call('GET', '');
      expect(view.body.turns[0]).toEqual({ role: 'customer', text: TRANSCRIPT, source: 'voice', questionId: null });

      // The recording touched the disk only inside one private temp dir, removed afterwards.
      expect(events.map((e) => e.type)).toEqual(['created', 'removed']);
      expect(events[0]!.mode).toBe(0o600);
      expect(events[1]!.path).toBe(events[0]!.path);
      expect(existsSync(events[0]!.dir)).toBe(false);
      // (Only this dir is checked: the other backend's run may be using tmpdir at the same moment.)
      expect(path.dirname(events[0]!.dir)).toBe(tmpdir());
      expect(voiceTempDirs()).not.toContain(path.basename(events[0]!.dir));
    });

    it('the multipart field finish=true completes the conversation in the same turn', async () => {
      const s = await verifiedSession(p, c, qrToken);
      const res = await postVoice(p, s, speech, { finish: true });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ status: 'completed', transcript: { text: 'Maten var god men kaffet var kallt.', language: 'sv', durationSec: 2.5 } });
      expect(typeof res.body.qualityScore).toBe('number');
      expect((await turnsOf(p, s.sessionId)).map((t) => [t.role, t.source])).toEqual([['customer', 'voice']]);
    });

    it('an English session asks the provider for English', async () => {
      fake.setBehaviour({ kind: 'ok', text: 'The cinnamon bun was fresh and the queue was short.', duration: 3 });
      const sale = await ingestSale(p, c, 99_900, 2);
      const s = await startSession(p, { qrToken }, { locale: 'en' });
      expect((await s.call('POST', '/verify', { amount: '999', purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
      const res = await postVoice(p, s, await makeSpeechWav('The cinnamon bun was fresh.', 'en'), { finish: true });
      expect(res.status, res.text).toBe(200);
      expect(res.body.transcript).toEqual({ text: 'The cinnamon bun was fresh and the queue was short.', language: 'en', durationSec: 3 });
      expect(fake.received.map((r) => r.language)).toEqual(['en']);
    });

    it('no audio bytes are stored in any table', async () => {
      const s = await verifiedSession(p, c, qrToken);
      expect((await postVoice(p, s, speech, { finish: true })).status).toBe(200);
      const markers = ['RIFF', 'WAVEfmt', speech.subarray(0, 48).toString('base64'), speech.subarray(0, 32).toString('hex'), speech.subarray(4000, 4048).toString('base64')];
      const db = p.ctx.db.kysely as unknown as Kysely<any>;
      const tables = await db.introspection.getTables();
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['feedback_turns', 'feedback_sessions', 'jobs', 'audit_log']));
      let scanned = 0;
      for (const t of tables) {
        for (const row of await db.selectFrom(t.name).selectAll().execute()) {
          for (const [column, value] of Object.entries(row)) {
            if (typeof value !== 'string' && !Buffer.isBuffer(value)) continue;
            const textValue = Buffer.isBuffer(value) ? value.toString('latin1') : value;
            scanned++;
            for (const m of markers) expect(textValue.includes(m), `${t.name}.${column} contains audio`).toBe(false);
          }
        }
      }
      expect(scanned).toBeGreaterThan(50);
      const longest = await db.selectFrom('feedback_turns').select('text').execute();
      expect(Math.max(...longest.map((r) => r.text.length))).toBeLessThanOrEqual(5000);
    });

    it('recording before the purchase is verified: 409, and nothing is sent to the provider', async () => {
      const s = await startSession(p, { qrToken });
      const res = await postVoice(p, s, speech);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('session_not_verified');
      expect(fake.received).toHaveLength(0);
    });

    it('provider HTTP 500 → 502 transcription_failed (retryable), no made-up turn; typing still works', async () => {
      const s = await verifiedSession(p, c, qrToken);
      fake.setBehaviour({ kind: 'status', status: 500 });
      const res = await postVoice(p, s, speech);
      expect(res.status).toBe(502);
      expect(res.body.error).toEqual({ code: 'transcription_failed', message: 'We could not transcribe the recording. Try again or type your feedback.', details: { retryable: true, reason: 'provider_error' } });
      expect(fake.received).toHaveLength(1);
      expect(await turnsOf(p, s.sessionId)).toEqual([]);
      expect(events.map((e) => e.type)).toEqual(['created', 'removed']);
      expect(existsSync(events[0]!.dir)).toBe(false);

      const typed = await s.call('POST', '/feedback', { text: 'Kaffet var varmt men kön var lång, ungefär tio minuter vid lunch.', finish: true });
      expect(typed.status, typed.text).toBe(200);
      expect(typed.body.status).toBe('completed');
      expect((await turnsOf(p, s.sessionId)).map((t) => t.source)).toEqual(['text']);
    });

    it('a provider that hears nothing is a failure to retry, not an empty or invented transcript', async () => {
      const s = await verifiedSession(p, c, qrToken);
      fake.setBehaviour({ kind: 'empty-text' });
      const res = await postVoice(p, s, speech);
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('transcription_failed');
      expect(res.body.error.details).toEqual({ retryable: false, reason: 'empty_transcript' });
      expect(await turnsOf(p, s.sessionId)).toEqual([]);
    });

    it('a 6-minute WAV is 413 audio_too_long, refused before any upload', async () => {
      const long = await makeSilenceWav(360, 8000);
      const s = await verifiedSession(p, c, qrToken);
      const res = await postVoice(p, s, long);
      expect(res.status, res.text).toBe(413);
      expect(res.body.error.code).toBe('audio_too_long');
      expect(fake.received).toHaveLength(0);
      expect(events).toEqual([]);
      // Over the 20 MiB upload cap (12 min at 16 kHz): the same answer, not a generic 400.
      const huge = await makeSilenceWav(720, 16_000);
      expect(huge.length).toBeGreaterThan(20 * 1024 * 1024);
      const capped = await postVoice(p, s, huge);
      expect(capped.status, capped.text).toBe(413);
      expect(capped.body.error.code).toBe('audio_too_long');
      expect(fake.received).toHaveLength(0);
      expect(await turnsOf(p, s.sessionId)).toEqual([]);
    });

    it('a text file sent as audio is 415 unsupported_audio, whatever type it claims', async () => {
      const s = await verifiedSession(p, c, qrToken);
      const notes = Buffer.from('Det här är ingen ljudfil, bara text.\n', 'utf8');
      for (const o of [{ type: 'text/plain', filename: 'notes.txt' }, { type: 'audio/wav', filename: 'notes.wav' }, { type: 'audio/webm', filename: 'notes.webm' }]) {
        const res = await postVoice(p, s, notes, o);
        expect(res.status, `${o.type}: ${res.text}`).toBe(415);
        expect(res.body.error.code).toBe('unsupported_audio');
      }
      // A real WAV declared as webm is refused as well: the bytes must agree with the claim.
      const mismatch = await postVoice(p, s, speech, { type: 'audio/webm', filename: 'a.webm' });
      expect(mismatch.status).toBe(415);
      expect(fake.received).toHaveLength(0);
      expect(await turnsOf(p, s.sessionId)).toEqual([]);
    });
  });

  describeWithAudioTools('logs at trace level (own SQLite platform, log lines captured)', () => {
    let platform: Platform;
    let fake: FakeTranscriber;
    let dataDir: string;
    const lines: string[] = [];

    beforeAll(async () => {
      fake = await startFakeTranscriber();
      dataDir = mkdtempSync(path.join(tmpdir(), 'kvittra-test-'));
      const config = loadConfig({ NODE_ENV: 'test', LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: path.join(dataDir, 'test.sqlite'), ADMIN_TOKEN: TEST_ADMIN_TOKEN, ENCRYPTION_KEY: randomBytes(32).toString('hex'), PUBLIC_BASE_URL: 'https://kvittra.test', LOG_LEVEL: 'trace', VOICE_PROCESSOR_URL: fake.url });
      const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) });
      platform = await startPlatform(config, { logger: createLogger('trace', sink) });
    });
    afterAll(async () => {
      await platform?.close();
      await fake?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('neither a transcribed nor a failed recording leaves audio in the logs', async () => {
      const baseUrl = platform.url.replace('0.0.0.0', '127.0.0.1');
      // The same request shape as the test platform's api(), against this platform.
      const api = async (method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}) => {
        const init = body === undefined ? { method, headers } : { method, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
        const res = await fetch(baseUrl + urlPath, init);
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null, text, headers: res.headers };
      };
      const tp = { baseUrl, api, admin: (m: string, u: string, b?: unknown) => api(m, u, b, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }), ctx: platform.ctx } as unknown as TestPlatform;
      const c = await squareSetup(tp);
      const { qrToken } = await locationQr(tp, c);
      const speech = await makeSpeechWav(SPOKEN, 'sv');
      const ok = await postVoice(tp, await verifiedSession(tp, c, qrToken), speech, { finish: true });
      expect(ok.status, ok.text).toBe(200);
      fake.setBehaviour({ kind: 'status', status: 500 });
      expect((await postVoice(tp, await verifiedSession(tp, c, qrToken), speech)).status).toBe(502);

      const log = lines.join('');
      expect(lines.length).toBeGreaterThan(20);
      expect(log).toContain('transcription_failed');
      for (const marker of ['RIFF', 'WAVEfmt', speech.subarray(0, 48).toString('base64'), speech.subarray(0, 32).toString('hex')]) expect(log).not.toContain(marker);
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(8192);
      expect(log).not.toContain('Maten var god men kaffet var kallt'); // nor the customer's words
    });
  });

  describe('without any transcription service configured', () => {
    let p: TestPlatform;
    let c: ConnectionSetup;
    let qrToken: string;
    beforeAll(async () => {
      p = await startTestPlatform();
      c = await squareSetup(p);
      ({ qrToken } = await locationQr(p, c));
    });
    afterAll(async () => p?.stop());

    it('by-qr says voiceAvailable false; a recording is 503 voice_unavailable and typing still works', async () => {
      expect((await p.api('GET', `/api/v1/locations/by-qr/${qrToken}`)).body.voiceAvailable).toBe(false);
      const s = await verifiedSession(p, c, qrToken);
      const res = await postVoice(p, s, tinyWav());
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({ code: 'voice_unavailable', message: 'Voice feedback is not available right now; please type your feedback.', details: null });
      expect(await turnsOf(p, s.sessionId)).toEqual([]);
      const typed = await s.call('POST', '/feedback', { text: 'Bra service vid kassan och kanelbullen var nybakad i morse.', finish: true });
      expect(typed.status, typed.text).toBe(200);
      expect(typed.body.status).toBe('completed');
    });
  });
});
