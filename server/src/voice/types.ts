/**
 * Voice feedback: shared types. Audio is transcribed and then discarded — nothing here holds on
 * to the bytes, and no error message ever contains them.
 */

export interface AudioInput {
  bytes: Buffer;
  /** The declared type (may carry parameters, e.g. `audio/webm;codecs=opus`); must match the bytes. */
  mimeType: string;
  /**
   * Informational only. It is never forwarded to a provider: a customer's file name can carry
   * personal data, and providers pick the decoder from the extension, which we derive from the bytes.
   */
  filename?: string;
}

export type TranscriptLanguage = 'sv' | 'en' | 'other';
export type RequestLanguage = 'sv' | 'en';

export interface Transcript {
  text: string;
  language: TranscriptLanguage;
  durationSec: number | null;
  /** Which provider produced it (`Transcriber.name`). */
  provider: string;
}

export type TranscriptionErrorCode =
  | 'unavailable'
  | 'timeout'
  | 'bad_audio'
  | 'too_long'
  | 'empty_transcript'
  | 'provider_error';

/**
 * `retryable` answers "might sending the same audio again succeed?". The customer is always
 * free to record again or type instead; this flag only decides whether a "try again" button
 * makes sense for the same recording.
 */
export class TranscriptionError extends Error {
  constructor(
    readonly code: TranscriptionErrorCode,
    readonly retryable: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TranscriptionError';
  }
}

export interface TranscribeOptions {
  /** Force a language; omitted → the provider detects it. */
  language?: RequestLanguage;
  /** Caller cancellation (e.g. the customer went away). Its abort reason is rethrown as-is. */
  signal?: AbortSignal;
}

export interface Transcriber {
  readonly name: string;
  transcribe(audio: AudioInput, opts: TranscribeOptions): Promise<Transcript>;
  health(): Promise<boolean>;
}

/** The fetch we need; injectable so a test or a proxying agent can stand in. */
export type FetchLike = typeof globalThis.fetch;
