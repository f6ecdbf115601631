import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/core/logger.js';
import { startPlatform, type Platform } from '../../src/platform.js';
import { httpClient, TEST_ADMIN_TOKEN, type TestPlatform } from '../helpers/platform.js';
import { ingestSale, locationQr, squareSetup, startSession } from '../helpers/customer.js';
import { startFakeTranscriber, type FakeTranscriber } from '../helpers/fake-transcriber.js';
import { describeWithAudioTools, makeSpeechWav } from '../helpers/audio.js';
import { chunks, openStream } from '../helpers/voice-stream-client.js';

const SPOKEN = 'Kanelbullen var torr men Anna i kassan var hjälpsam och snabb.';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

describeWithAudioTools('voice stream logs at trace level (own SQLite platform, log lines captured)', () => {
  let platform: Platform;
  let fake: FakeTranscriber;
  let dataDir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    fake = await startFakeTranscriber();
    dataDir = mkdtempSync(path.join(tmpdir(), 'kvittra-test-'));
    const config = loadConfig({ NODE_ENV: 'test', LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: path.join(dataDir, 'test.sqlite'), ADMIN_TOKEN: TEST_ADMIN_TOKEN, ENCRYPTION_KEY: randomBytes(32).toString('hex'), PUBLIC_BASE_URL: 'https://kvittra.test', LOG_LEVEL: 'trace', VOICE_PROCESSOR_URL: fake.url, VOICE_STREAM_PARTIAL_INTERVAL_MS: '30' });
    const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) });
    platform = await startPlatform(config, { logger: createLogger('trace', sink) });
  });
  afterAll(async () => {
    await platform?.close();
    await fake?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('neither streamed audio, nor its transcript, nor the session token reaches the logs — even when transcriptions fail', async () => {
    const baseUrl = platform.url.replace('0.0.0.0', '127.0.0.1');
    const api = httpClient(baseUrl);
    const tp = { baseUrl, api, admin: (m: string, u: string, b?: unknown) => api(m, u, b, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }), ctx: platform.ctx } as unknown as TestPlatform;
    const c = await squareSetup(tp);
    const { qrToken } = await locationQr(tp, c);
    const speech = await makeSpeechWav(SPOKEN);
    const sale = await ingestSale(tp, c, 24_500, 2);
    const s = await startSession(tp, { qrToken });
    expect((await s.call('POST', '/verify', { amount: '245', purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);

    // Partials fail (skipped, logged by code), the first final fails (error frame), the retry succeeds.
    fake.setBehaviour({ kind: 'status', status: 500 });
    const client = await openStream(tp, s);
    const pieces = chunks(speech, 4);
    client.sendAudio(pieces[0]!);
    await until(() => lines.some((l) => l.includes('partial transcription skipped')));
    for (const piece of pieces.slice(1)) client.sendAudio(piece);
    client.sendJson({ type: 'end' });
    expect((await client.next('error')).code).toBe('transcription_failed');
    fake.setBehaviour({ kind: 'ok', text: SPOKEN });
    client.sendJson({ type: 'end' });
    expect((await client.next('turn')).transcript.text).toBe(SPOKEN);
    await client.closed;

    const log = lines.join('');
    expect(log).toContain('"code":"transcription_failed"');
    expect(log).toContain('/voice-stream');
    for (const marker of ['RIFF', 'WAVEfmt', speech.subarray(0, 48).toString('base64'), speech.subarray(0, 32).toString('hex')]) expect(log).not.toContain(marker);
    expect(log).not.toContain('Kanelbullen var torr');
    expect(log).not.toContain(s.token);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(8192);
  });
});
