import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { transcribeAudio } from '../voice/index.js';
import { TranscriptionError, type AudioInput, type Transcript } from '../voice/types.js';
import type { SessionRow } from './session-service.js';

export const MAX_AUDIO_BYTES = 20 * 1024 * 1024;
export const MAX_TEXT_CHARS = 5000;

const ZTextTurn = z
  .object({
    text: z.string().trim().min(1, 'Write something first.').max(MAX_TEXT_CHARS),
    finish: z.boolean().optional(),
  })
  .strict();

export interface FeedbackInput {
  text: string;
  source: 'text' | 'voice';
  finish: boolean;
  transcript?: { language: string; durationSec: number | null };
}

/** One conversation turn from either a JSON body or a multipart upload with an `audio` file. */
export async function readFeedbackRequest(ctx: AppContext, req: FastifyRequest, session: SessionRow): Promise<FeedbackInput> {
  if (req.isMultipart()) return readVoiceTurn(ctx, req, session);
  const parsed = ZTextTurn.safeParse(req.body ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new AppError('validation_failed', `Invalid body: ${details.map((d) => `${d.path || '(root)'} ${d.message}`).join('; ')}`, details);
  }
  return { text: parsed.data.text, source: 'text', finish: parsed.data.finish ?? false };
}

async function readVoiceTurn(ctx: AppContext, req: FastifyRequest, session: SessionRow): Promise<FeedbackInput> {
  if (!ctx.services.transcriber) throw new AppError('voice_unavailable');
  let audio: { bytes: Buffer; mimeType: string; filename?: string } | null = null;
  let finish = false;
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_AUDIO_BYTES, files: 1, fields: 4 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'audio') throw new AppError('validation_failed', 'The recording must be sent in the field "audio".');
        // Kept in memory only; the transcriber writes a private temp file that is removed in a finally.
        const bytes = await part.toBuffer();
        audio = { bytes, mimeType: part.mimetype, filename: part.filename };
      } else if (part.fieldname === 'finish') {
        finish = String(part.value) === 'true';
      }
    }
  } catch (err) {
    // Over the byte cap is a recording that is too long: same answer as an over-long WAV header.
    if ((err as { code?: string })?.code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('audio_too_long');
    throw err;
  }
  if (!audio || audio.bytes.length === 0) throw new AppError('validation_failed', 'No recording received (multipart field "audio").');
  try {
    const transcript = await transcribeForSession(ctx, session, audio);
    return voiceInput(transcript, finish);
  } finally {
    audio.bytes.fill(0);
  }
}

/** A real transcript as a conversation turn (the same shape for an upload and a voice stream). */
export function voiceInput(transcript: Transcript, finish: boolean): FeedbackInput {
  return { text: transcript.text, source: 'voice', finish, transcript: { language: transcript.language, durationSec: transcript.durationSec } };
}

export interface SessionTranscribeOptions {
  signal?: AbortSignal;
  maxBytes?: number;
  /** false for a voice stream's partial transcripts: the metric times what a turn waits for. */
  observeMetric?: boolean;
}

/**
 * Shared by the multipart upload and the voice stream: transcribe in the session's language,
 * time it in voice_processing_duration_seconds, and turn every failure into a catalogue error.
 * The caller's own abort is rethrown untouched so it is never reported as a failed transcription.
 */
export async function transcribeForSession(ctx: AppContext, session: SessionRow, audio: AudioInput, opts: SessionTranscribeOptions = {}): Promise<Transcript> {
  try {
    return await transcribeAudio(ctx.services.transcriber, audio, {
      language: session.locale === 'en' ? 'en' : 'sv',
      signal: opts.signal,
      maxBytes: opts.maxBytes,
      onDuration: opts.observeMetric === false ? undefined : (seconds, outcome) => ctx.metrics.voiceDuration.observe({ outcome }, seconds),
    });
  } catch (err) {
    if (opts.signal?.aborted && err === opts.signal.reason) throw err;
    throw toVoiceError(err);
  }
}

export function toVoiceError(err: unknown): AppError {
  if (!(err instanceof TranscriptionError)) return err instanceof AppError ? err : new AppError('transcription_failed', undefined, { retryable: true });
  if (err.code === 'too_long') return new AppError('audio_too_long');
  if (err.code === 'bad_audio') return new AppError('unsupported_audio', err.message);
  if (err.code === 'unavailable') return new AppError('voice_unavailable');
  return new AppError('transcription_failed', undefined, { retryable: err.retryable, reason: err.code });
}
