/**
 * One voice stream (docs/api.md, "Voice stream"): the state machine behind the WebSocket, kept free
 * of sockets and databases so every rule is unit-testable. Audio chunks accumulate in memory only;
 * every few seconds the whole recording so far is transcribed for a partial transcript (never more
 * than one transcription in flight); `end` transcribes it once more for the final transcript and
 * hands that real transcript to the conversation turn. A failed transcription is an error frame —
 * there is no fallback text, ever. The bytes are zeroed when they are no longer needed.
 */
import { z } from 'zod';
import { AppError, ERRORS, type ErrorCode } from '../core/errors.js';
import { FORMAT_MIME, sniffAudioFormat, wavDurationSeconds, type AudioFormat } from './audio-format.js';
import type { AudioInput, Transcript } from './types.js';

export const VOICE_STREAM_PROTOCOL = 'kvittra.voice.v1';
/** A customer's phone sends chunks in real time; allow for network lag before the wall clock ends the stream. */
export const WALL_CLOCK_GRACE_SECONDS = 10;
/** Enough for every container signature we recognise (RIFF….WAVE, ….ftyp, EBML, OggS, ID3). */
const SNIFF_BYTES = 12;

export interface StreamLimits {
  maxSeconds: number;
  maxBytes: number;
}

export type ServerFrame =
  | { type: 'ready'; protocol: string; maxSeconds: number; maxBytes: number }
  | { type: 'partial'; text: string }
  | { type: 'final'; transcript: string; language: string; durationSec: number | null }
  | ({ type: 'turn' } & Record<string, unknown>)
  | { type: 'error'; code: ErrorCode; message: string; retryable: boolean; fatal: boolean };

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('end'), finish: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('cancel') }).strict(),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export interface StreamDeps {
  limits: StreamLimits;
  /** Throws AppError (catalogue codes) or, when `signal` was aborted, the abort reason. */
  transcribe(audio: AudioInput, purpose: 'partial' | 'final', signal: AbortSignal): Promise<Transcript>;
  /** The same conversation turn as the HTTP feedback endpoint; returns its JSON body. */
  runTurn(transcript: Transcript, finish: boolean): Promise<Record<string, unknown>>;
  send(frame: ServerFrame): void;
  close(code: number, reason: string): void;
  now?: () => number;
  /** Told about failures that are not the customer's business (partials are best effort). Never given audio. */
  onIgnoredError?: (purpose: 'partial', err: unknown) => void;
}

export type StreamState = 'recording' | 'finishing' | 'closed';

/** WebSocket application close codes: 4000 + the HTTP status of the catalogue code (4413, 4502, …). */
export function closeCodeFor(code: ErrorCode): number {
  return 4000 + ERRORS[code].status;
}

export function asAppError(err: unknown): AppError {
  return err instanceof AppError ? err : new AppError('internal_error');
}

const isRetryable = (err: AppError): boolean => (err.details as { retryable?: unknown } | null | undefined)?.retryable === true;

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

export class VoiceStream {
  private state: StreamState = 'recording';
  private chunks: Buffer[] = [];
  private bytes = 0;
  private format: AudioFormat | null = null;
  private inFlight: InFlight | null = null;
  private partialBytes = 0;
  private lastPartial = '';
  private readonly openedAt: number;
  private readonly now: () => number;
  /** Resolves when `end` has finished its work (for callers that need to wait: tests, shutdown). */
  private ending: Promise<void> = Promise.resolve();

  constructor(private readonly deps: StreamDeps) {
    this.now = deps.now ?? Date.now;
    this.openedAt = this.now();
  }

  get currentState(): StreamState {
    return this.state;
  }

  get bufferedBytes(): number {
    return this.bytes;
  }

  start(): void {
    this.deps.send({ type: 'ready', protocol: VOICE_STREAM_PROTOCOL, maxSeconds: this.deps.limits.maxSeconds, maxBytes: this.deps.limits.maxBytes });
  }

  onAudio(chunk: Buffer): void {
    if (this.state !== 'recording') return this.softError(new AppError('session_state', 'The recording has already ended.'));
    if (chunk.length === 0) return;
    this.bytes += chunk.length;
    // Copied: the socket library may reuse its buffers.
    this.chunks.push(Buffer.from(chunk));
    if (this.bytes > this.deps.limits.maxBytes) {
      return this.fail(new AppError('audio_too_long', `A streamed recording can be at most ${this.deps.limits.maxBytes} bytes.`));
    }
    if (this.format === null && this.bytes >= SNIFF_BYTES) this.detectFormat();
  }

  /** A client may split the container header across frames: judge the first bytes of the recording, not of a frame. */
  private detectFormat(): boolean {
    this.format = sniffAudioFormat(Buffer.concat(this.chunks, this.bytes).subarray(0, SNIFF_BYTES));
    if (this.format === null) this.fail(new AppError('unsupported_audio'));
    return this.format !== null;
  }

  onText(raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return this.softError(new AppError('invalid_json', 'Text frames must be JSON: {"type":"end"} or {"type":"cancel"}.'));
    }
    const frame = ClientFrame.safeParse(parsed);
    if (!frame.success) return this.softError(new AppError('validation_failed', 'Unknown message; send {"type":"end"} or {"type":"cancel"}.'));
    if (frame.data.type === 'cancel') return this.cancel();
    this.ending = this.end(frame.data.finish ?? false).catch((err: unknown) => this.fail(asAppError(err)));
  }

  /** Called periodically: enforces the wall clock and starts a partial transcription when there is new audio. */
  tick(): void {
    if (this.state !== 'recording') return;
    if (this.now() - this.openedAt > (this.deps.limits.maxSeconds + WALL_CLOCK_GRACE_SECONDS) * 1000) {
      return this.fail(this.tooLong());
    }
    if (this.inFlight || this.bytes === this.partialBytes || this.format === null) return;
    const audio = this.snapshot();
    if (this.exceedsDuration(audio.bytes)) return this.fail(this.tooLong());
    this.partialBytes = this.bytes;
    this.inFlight = this.startPartial(audio);
  }

  /** The socket went away: stop everything and drop the audio. */
  dispose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.inFlight?.controller.abort(new Error('voice stream closed'));
    this.discardAudio();
  }

  /** For tests and graceful shutdown: the current `end` (if any) has completed. */
  async idle(): Promise<void> {
    await this.ending;
    await this.inFlight?.done;
  }

  private startPartial(audio: AudioInput): InFlight {
    const controller = new AbortController();
    const done = this.deps
      .transcribe(audio, 'partial', controller.signal)
      .then(
        (t) => {
          if (controller.signal.aborted || this.state !== 'recording') return;
          if (t.durationSec !== null && t.durationSec > this.deps.limits.maxSeconds) return this.fail(this.tooLong());
          if (t.text !== this.lastPartial) {
            this.lastPartial = t.text;
            this.deps.send({ type: 'partial', text: t.text });
          }
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          if (err instanceof AppError && err.code === 'audio_too_long') return this.fail(this.tooLong());
          // Silence so far, a truncated container, a slow provider: the final transcription decides.
          this.deps.onIgnoredError?.('partial', err);
        },
      )
      .finally(() => {
        audio.bytes.fill(0);
        if (this.inFlight?.controller === controller) this.inFlight = null;
      });
    return { controller, done };
  }

  private async end(finish: boolean): Promise<void> {
    if (this.state !== 'recording') return this.softError(new AppError('session_state', 'The recording has already ended.'));
    if (this.bytes === 0) return this.softError(new AppError('validation_failed', 'No audio received yet.'));
    if (this.format === null && !this.detectFormat()) return;
    this.state = 'finishing';
    const partial = this.inFlight;
    partial?.controller.abort(new Error('superseded by the final transcription'));
    await partial?.done;
    if (this.isClosed()) return;
    const transcript = await this.finalTranscript();
    if (!transcript || this.isClosed()) return;
    this.discardAudio();
    this.deps.send({ type: 'final', transcript: transcript.text, language: transcript.language, durationSec: transcript.durationSec });
    try {
      const result = await this.deps.runTurn(transcript, finish);
      if (this.isClosed()) return;
      this.deps.send({ ...result, type: 'turn' });
      this.closeWith(1000, 'done');
    } catch (err) {
      this.fail(asAppError(err));
    }
  }

  /** The real transcript, or null after telling the customer why (retryable → the recording is kept for another `end`). */
  private async finalTranscript(): Promise<Transcript | null> {
    const audio = this.snapshot();
    const controller = new AbortController();
    this.inFlight = { controller, done: Promise.resolve() };
    try {
      if (this.exceedsDuration(audio.bytes)) throw this.tooLong();
      const t = await this.deps.transcribe(audio, 'final', controller.signal);
      if (t.durationSec !== null && t.durationSec > this.deps.limits.maxSeconds) throw this.tooLong();
      return t;
    } catch (err) {
      if (this.isClosed()) return null;
      const appErr = asAppError(err);
      if (!isRetryable(appErr)) {
        this.fail(appErr);
        return null;
      }
      this.state = 'recording';
      this.softError(appErr);
      return null;
    } finally {
      audio.bytes.fill(0);
      if (this.inFlight?.controller === controller) this.inFlight = null;
    }
  }

  private cancel(): void {
    if (this.state === 'closed') return;
    this.closeWith(1000, 'cancelled');
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private snapshot(): AudioInput {
    return { bytes: Buffer.concat(this.chunks, this.bytes), mimeType: FORMAT_MIME[this.format ?? 'webm'] };
  }

  /** WAV knows its length exactly; other containers rely on the provider's duration, the wall clock and the byte cap. */
  private exceedsDuration(bytes: Buffer): boolean {
    if (this.format !== 'wav') return false;
    const seconds = wavDurationSeconds(bytes);
    return seconds !== null && seconds > this.deps.limits.maxSeconds;
  }

  private tooLong(): AppError {
    return new AppError('audio_too_long', `A streamed recording can be at most ${this.deps.limits.maxSeconds} seconds long.`);
  }

  private discardAudio(): void {
    for (const c of this.chunks) c.fill(0);
    this.chunks = [];
    this.bytes = 0;
    this.partialBytes = 0;
  }

  private softError(err: AppError): void {
    if (this.state === 'closed') return;
    this.deps.send({ type: 'error', code: err.code, message: err.message, retryable: isRetryable(err), fatal: false });
  }

  private fail(err: AppError): void {
    if (this.state === 'closed') return;
    this.deps.send({ type: 'error', code: err.code, message: err.message, retryable: isRetryable(err), fatal: true });
    this.closeWith(closeCodeFor(err.code), err.code);
  }

  private closeWith(code: number, reason: string): void {
    this.dispose();
    this.deps.close(code, reason);
  }
}
