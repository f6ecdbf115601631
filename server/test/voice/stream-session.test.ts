import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { VoiceStream, WALL_CLOCK_GRACE_SECONDS, closeCodeFor, type ServerFrame, type StreamDeps } from '../../src/voice/stream-session.js';
import type { AudioInput, Transcript } from '../../src/voice/types.js';
import { chunk, fmtChunk, riffWave } from './wav-builder.js';

/** 8 kHz 16-bit mono PCM: 16 000 bytes per second. */
function pcmWav(seconds: number): Buffer {
  return riffWave([fmtChunk({ sampleRate: 8000, channels: 1, bits: 16 }), chunk('data', Buffer.alloc(Math.round(seconds * 16_000), 7))]);
}

interface Call {
  purpose: 'partial' | 'final';
  sha: string;
  bytes: number;
  mimeType: string;
  signal: AbortSignal;
  resolve(t: Partial<Transcript>): void;
  reject(err: unknown): void;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A stream whose transcriptions wait until the test answers them, recording every frame and close. */
function harness(opts: { maxSeconds?: number; maxBytes?: number; turn?: (t: Transcript, finish: boolean) => Promise<Record<string, unknown>> } = {}) {
  const frames: ServerFrame[] = [];
  const closes: { code: number; reason: string }[] = [];
  const calls: Call[] = [];
  const ignored: unknown[] = [];
  const turns: { text: string; finish: boolean }[] = [];
  let clock = 1_000_000;
  let inFlight = 0;
  let maxInFlight = 0;
  const deps: StreamDeps = {
    limits: { maxSeconds: opts.maxSeconds ?? 120, maxBytes: opts.maxBytes ?? 1_000_000 },
    transcribe: (audio: AudioInput, purpose, signal) =>
      new Promise<Transcript>((resolve, reject) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const settle = () => (inFlight -= 1);
        signal.addEventListener('abort', () => {
          settle();
          reject(signal.reason);
        });
        calls.push({
          purpose,
          sha: sha(audio.bytes),
          bytes: audio.bytes.length,
          mimeType: audio.mimeType,
          signal,
          resolve: (t) => {
            settle();
            resolve({ text: 'hej', language: 'sv', durationSec: null, provider: 'test', ...t });
          },
          reject: (err) => {
            settle();
            reject(err);
          },
        });
      }),
    runTurn: async (t, finish) => {
      turns.push({ text: t.text, finish });
      return opts.turn ? opts.turn(t, finish) : { status: 'follow_up', followUp: { text: 'Vad åt du?' } };
    },
    send: (f) => frames.push(f),
    close: (code, reason) => closes.push({ code, reason }),
    now: () => clock,
    onIgnoredError: (_p, err) => ignored.push(err),
  };
  const stream = new VoiceStream(deps);
  stream.start();
  return {
    stream,
    frames,
    closes,
    calls,
    ignored,
    turns,
    advance: (ms: number) => (clock += ms),
    maxInFlight: () => maxInFlight,
    types: () => frames.map((f) => f.type),
    errors: () => frames.filter((f): f is Extract<ServerFrame, { type: 'error' }> => f.type === 'error'),
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('VoiceStream', () => {
  it('announces itself with its limits', () => {
    const h = harness({ maxSeconds: 90, maxBytes: 5000 });
    expect(h.frames).toEqual([{ type: 'ready', protocol: 'kvittra.voice.v1', maxSeconds: 90, maxBytes: 5000 }]);
  });

  it('refuses a first chunk that is not audio and closes with 4415', () => {
    const h = harness();
    h.stream.onAudio(Buffer.from('definitely not audio at all'));
    expect(h.errors()[0]).toMatchObject({ code: 'unsupported_audio', fatal: true });
    expect(h.closes).toEqual([{ code: 4415, reason: 'unsupported_audio' }]);
    expect(h.stream.currentState).toBe('closed');
  });

  it('accepts a container header split across frames (the first bytes of the recording decide, not of a frame)', async () => {
    const wav = pcmWav(1);
    const h = harness();
    for (let i = 0; i < 40; i += 4) h.stream.onAudio(wav.subarray(i, i + 4));
    h.stream.onAudio(wav.subarray(40));
    h.stream.onText('{"type":"end"}');
    await flush();
    expect(h.calls[0]).toMatchObject({ purpose: 'final', sha: sha(wav), mimeType: 'audio/wav' });
    expect(h.errors()).toEqual([]);
  });

  it('refuses end when the few bytes received are not recognisable audio', async () => {
    const h = harness();
    h.stream.onAudio(Buffer.from('abc'));
    h.stream.tick();
    h.stream.onText('{"type":"end"}');
    await h.stream.idle();
    expect(h.calls).toEqual([]);
    expect(h.closes).toEqual([{ code: 4415, reason: 'unsupported_audio' }]);
  });

  it('closes with audio_too_long (4413) and drops the audio once the byte cap is passed', () => {
    const wav = pcmWav(1);
    const h = harness({ maxBytes: wav.length - 1 });
    h.stream.onAudio(wav.subarray(0, 100));
    expect(h.closes).toEqual([]);
    h.stream.onAudio(wav.subarray(100));
    expect(h.errors()[0]).toMatchObject({ code: 'audio_too_long', fatal: true });
    expect(h.closes).toEqual([{ code: 4413, reason: 'audio_too_long' }]);
    expect(h.stream.bufferedBytes).toBe(0);
  });

  it('transcribes the whole recording so far for partials, never two at once, and only when audio is new', async () => {
    const wav = pcmWav(2);
    const h = harness();
    h.stream.onAudio(wav.subarray(0, 10_000));
    h.stream.tick();
    h.stream.onAudio(wav.subarray(10_000, 20_000));
    h.stream.tick(); // first partial still running: no second one
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]).toMatchObject({ purpose: 'partial', bytes: 10_000, mimeType: 'audio/wav', sha: sha(wav.subarray(0, 10_000)) });
    h.calls[0]!.resolve({ text: 'Kaffet' });
    await flush();
    expect(h.frames.at(-1)).toEqual({ type: 'partial', text: 'Kaffet' });
    h.stream.tick();
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1]!.sha).toBe(sha(wav.subarray(0, 20_000)));
    h.calls[1]!.resolve({ text: 'Kaffet' }); // unchanged text: no new frame
    await flush();
    h.stream.tick(); // no new audio since: nothing to do
    expect(h.calls).toHaveLength(2);
    expect(h.types().filter((t) => t === 'partial')).toHaveLength(1);
    expect(h.maxInFlight()).toBe(1);
  });

  it('ignores a failed partial (the final transcription decides) without an error frame', async () => {
    const h = harness();
    h.stream.onAudio(pcmWav(1));
    h.stream.tick();
    h.calls[0]!.reject(new AppError('transcription_failed', undefined, { retryable: true }));
    await flush();
    expect(h.errors()).toEqual([]);
    expect(h.ignored).toHaveLength(1);
    expect(h.stream.currentState).toBe('recording');
  });

  it('on end: cancels the running partial, transcribes everything, sends final, runs the turn, sends turn, closes 1000', async () => {
    const wav = pcmWav(1);
    const h = harness();
    h.stream.onAudio(wav.subarray(0, 5000));
    h.stream.tick();
    h.stream.onAudio(wav.subarray(5000));
    h.stream.onText(JSON.stringify({ type: 'end', finish: true }));
    await flush();
    expect(h.calls[0]!.signal.aborted).toBe(true);
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1]).toMatchObject({ purpose: 'final', sha: sha(wav) });
    h.calls[1]!.resolve({ text: 'Kaffet var kallt.', durationSec: 1 });
    await h.stream.idle();
    expect(h.types()).toEqual(['ready', 'final', 'turn']);
    expect(h.frames[1]).toEqual({ type: 'final', transcript: 'Kaffet var kallt.', language: 'sv', durationSec: 1 });
    expect(h.frames[2]).toMatchObject({ type: 'turn', status: 'follow_up' });
    expect(h.turns).toEqual([{ text: 'Kaffet var kallt.', finish: true }]);
    expect(h.closes).toEqual([{ code: 1000, reason: 'done' }]);
    expect(h.stream.bufferedBytes).toBe(0);
  });

  it('answers end without audio with a non-fatal error', async () => {
    const h = harness();
    h.stream.onText('{"type":"end"}');
    await h.stream.idle();
    expect(h.errors()[0]).toMatchObject({ code: 'validation_failed', fatal: false });
    expect(h.closes).toEqual([]);
  });

  it('keeps the recording after a retryable transcription failure so end can be sent again — never a made-up transcript', async () => {
    const wav = pcmWav(1);
    const h = harness();
    h.stream.onAudio(wav);
    h.stream.onText('{"type":"end"}');
    await flush();
    h.calls[0]!.reject(new AppError('transcription_failed', undefined, { retryable: true, reason: 'timeout' }));
    await h.stream.idle();
    expect(h.errors()[0]).toMatchObject({ code: 'transcription_failed', retryable: true, fatal: false });
    expect(h.types()).not.toContain('final');
    expect(h.turns).toEqual([]);
    expect(h.stream.currentState).toBe('recording');
    h.stream.onText('{"type":"end"}');
    await flush();
    expect(h.calls[1]).toMatchObject({ purpose: 'final', sha: sha(wav) });
    h.calls[1]!.resolve({ text: 'Andra försöket.' });
    await h.stream.idle();
    expect(h.turns).toEqual([{ text: 'Andra försöket.', finish: false }]);
  });

  it('closes on a transcription failure that retrying cannot fix (4502), without running a turn', async () => {
    const h = harness();
    h.stream.onAudio(pcmWav(1));
    h.stream.onText('{"type":"end"}');
    await flush();
    h.calls[0]!.reject(new AppError('transcription_failed', undefined, { retryable: false, reason: 'empty_transcript' }));
    await h.stream.idle();
    expect(h.errors()[0]).toMatchObject({ code: 'transcription_failed', retryable: false, fatal: true });
    expect(h.closes).toEqual([{ code: 4502, reason: 'transcription_failed' }]);
    expect(h.turns).toEqual([]);
  });

  it('refuses a WAV longer than maxSeconds by its header, before any transcription', () => {
    const h = harness({ maxSeconds: 2 });
    h.stream.onAudio(pcmWav(3));
    h.stream.tick();
    expect(h.calls).toEqual([]);
    expect(h.closes).toEqual([{ code: 4413, reason: 'audio_too_long' }]);
  });

  it('refuses a recording the provider measured longer than maxSeconds', async () => {
    const h = harness({ maxSeconds: 5 });
    h.stream.onAudio(pcmWav(1));
    h.stream.onText('{"type":"end"}');
    await flush();
    h.calls[0]!.resolve({ text: 'lång', durationSec: 6 });
    await h.stream.idle();
    expect(h.types()).not.toContain('final');
    expect(h.closes).toEqual([{ code: 4413, reason: 'audio_too_long' }]);
  });

  it('ends a stream that outlives maxSeconds plus the grace period by the wall clock', () => {
    const h = harness({ maxSeconds: 10 });
    h.advance((10 + WALL_CLOCK_GRACE_SECONDS) * 1000);
    h.stream.tick();
    expect(h.closes).toEqual([]);
    h.advance(1);
    h.stream.tick();
    expect(h.closes).toEqual([{ code: 4413, reason: 'audio_too_long' }]);
  });

  it('cancel drops everything and closes normally without transcribing', () => {
    const h = harness();
    h.stream.onAudio(pcmWav(1));
    h.stream.onText('{"type":"cancel"}');
    expect(h.calls).toEqual([]);
    expect(h.closes).toEqual([{ code: 1000, reason: 'cancelled' }]);
    expect(h.stream.bufferedBytes).toBe(0);
  });

  it('reports a failed turn with its catalogue code and close code', async () => {
    const h = harness({ turn: async () => Promise.reject(new AppError('scoring_unavailable', undefined, { retryable: true })) });
    h.stream.onAudio(pcmWav(1));
    h.stream.onText('{"type":"end","finish":true}');
    await flush();
    h.calls[0]!.resolve({ text: 'Bra.' });
    await h.stream.idle();
    expect(h.types()).toEqual(['ready', 'final', 'error']);
    expect(h.errors()[0]).toMatchObject({ code: 'scoring_unavailable', fatal: true });
    expect(h.closes).toEqual([{ code: closeCodeFor('scoring_unavailable'), reason: 'scoring_unavailable' }]);
  });

  it('sends nothing more once the socket has gone away mid-transcription', async () => {
    const h = harness();
    h.stream.onAudio(pcmWav(1));
    h.stream.onText('{"type":"end"}');
    await flush();
    h.stream.dispose();
    expect(h.calls[0]!.signal.aborted).toBe(true);
    await h.stream.idle();
    expect(h.types()).toEqual(['ready']);
    expect(h.turns).toEqual([]);
  });

  it('audio after end is refused without disturbing the final transcription', async () => {
    const wav = pcmWav(1);
    const h = harness();
    h.stream.onAudio(wav);
    h.stream.onText('{"type":"end"}');
    h.stream.onAudio(wav);
    await flush();
    expect(h.errors()[0]).toMatchObject({ code: 'session_state', fatal: false });
    expect(h.calls[0]!.sha).toBe(sha(wav));
  });

  it('property: any text frame gets either a defined reaction or a non-fatal error, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
        const h = harness();
        expect(() => h.stream.onText(raw)).not.toThrow();
        for (const e of h.errors()) expect(['invalid_json', 'validation_failed']).toContain(e.code);
      }),
    );
  });

  it('property: whatever the interleaving of chunks, ticks and answers, at most one transcription runs and the byte cap holds', async () => {
    const wav = pcmWav(4);
    const op = fc.oneof(fc.record({ kind: fc.constant('chunk' as const), size: fc.integer({ min: 1, max: 9000 }) }), fc.constant({ kind: 'tick' as const }), fc.constant({ kind: 'answer' as const }));
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), fc.integer({ min: 2000, max: 60_000 }), async (ops, maxBytes) => {
        const h = harness({ maxBytes });
        let offset = 0;
        let sent = 0;
        for (const o of ops) {
          if (o.kind === 'chunk') {
            const piece = wav.subarray(offset % wav.length, (offset % wav.length) + o.size);
            offset += piece.length;
            sent += piece.length;
            h.stream.onAudio(piece);
          } else if (o.kind === 'tick') h.stream.tick();
          else {
            h.calls.filter((c) => !c.signal.aborted).at(-1)?.resolve({ text: `t${h.calls.length}` });
            await flush();
          }
          expect(h.maxInFlight()).toBeLessThanOrEqual(1);
          for (const e of h.errors()) expect(e.code).toBe('audio_too_long');
          if (sent > maxBytes) expect(h.closes[0]).toEqual({ code: 4413, reason: 'audio_too_long' });
          else expect(h.closes).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
