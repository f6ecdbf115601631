/**
 * Voice feedback entry points. `createTranscriber` picks the provider from config (null = voice
 * is unavailable); `transcribeAudio` is what a route calls: local checks first, so bad or
 * over-long audio is refused before any upload, then the provider, then the metric callback.
 * It either returns a real transcript or throws — there is no fallback text, ever.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_MAX_AUDIO_BYTES, validateAudio } from './audio-format.js';
import { OpenAiTranscriber } from './openai-compatible.js';
import { finishTranscript } from './provider-http.js';
import {
  TranscriptionError,
  type AudioInput,
  type FetchLike,
  type TranscribeOptions,
  type Transcriber,
  type Transcript,
  type TranscriptionErrorCode,
} from './types.js';
import { WhisperHttpTranscriber } from './whisper-http.js';

export * from './types.js';
export { DEFAULT_MAX_AUDIO_BYTES, MAX_AUDIO_SECONDS, sniffAudioFormat, validateAudio, wavDurationSeconds } from './audio-format.js';
export type { AudioFormat } from './audio-format.js';
export { OpenAiTranscriber } from './openai-compatible.js';
export { WhisperHttpTranscriber } from './whisper-http.js';

export interface VoiceConfig {
  voiceProcessorUrl?: string;
  openaiBaseUrl?: string;
  openaiApiKey?: string;
  openaiModel?: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

/** Empty env vars count as unset; a malformed URL is a startup error, not a runtime surprise. */
function configuredUrl(name: string, value: string | undefined): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`${name} is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be http(s).`);
  return trimmed;
}

/**
 * The self-hosted processor wins when both are set: audio then stays on infrastructure we run.
 * An API key alone does not enable OpenAI — sending customers' voices to a third party must be
 * an explicit choice (a base URL), not a side effect of a key configured for something else.
 */
export function createTranscriber(cfg: VoiceConfig): Transcriber | null {
  const common = { timeoutMs: cfg.timeoutMs, fetch: cfg.fetch };
  const processor = configuredUrl('VOICE_PROCESSOR_URL', cfg.voiceProcessorUrl);
  if (processor) return new WhisperHttpTranscriber({ baseUrl: processor, ...common });
  const openai = configuredUrl('OPENAI_BASE_URL', cfg.openaiBaseUrl);
  if (openai) {
    return new OpenAiTranscriber({ baseUrl: openai, apiKey: cfg.openaiApiKey, model: cfg.openaiModel, ...common });
  }
  return null;
}

export type TranscriptionOutcome = 'ok' | TranscriptionErrorCode | 'aborted';

export interface TranscribeAudioOptions extends TranscribeOptions {
  /** Byte cap (config); default 20 MiB. */
  maxBytes?: number;
  /** Metric hook: wall-clock seconds for the whole call, and how it ended. */
  onDuration?: (seconds: number, outcome: TranscriptionOutcome) => void;
}

/**
 * Everything leaving here is a TranscriptionError — except the caller's own abort, whose reason
 * is rethrown so the caller recognises it. A third-party Transcriber's stray error becomes a
 * retryable provider_error.
 */
function normaliseError(err: unknown, signal: AbortSignal | undefined): unknown {
  if (err instanceof TranscriptionError) return err;
  if (signal?.aborted && err === signal.reason) return err;
  return new TranscriptionError('provider_error', true, 'Transcription failed.', { cause: err });
}

function outcomeOf(err: unknown): TranscriptionOutcome {
  return err instanceof TranscriptionError ? err.code : 'aborted';
}

function report(opts: TranscribeAudioOptions, started: number, outcome: TranscriptionOutcome): void {
  try {
    opts.onDuration?.((performance.now() - started) / 1000, outcome);
  } catch {
    // A broken metric must not turn a transcript into a failure.
  }
}

export async function transcribeAudio(
  transcriber: Transcriber | null,
  audio: AudioInput,
  opts: TranscribeAudioOptions = {},
): Promise<Transcript> {
  const started = performance.now();
  try {
    if (!transcriber) throw new TranscriptionError('unavailable', false, 'Voice feedback is not available.');
    const local = validateAudio(audio, opts.maxBytes ?? DEFAULT_MAX_AUDIO_BYTES);
    const transcript = await transcriber.transcribe(audio, { language: opts.language, signal: opts.signal });
    // Re-check: a Transcriber written elsewhere may not apply the rules; WAV's exact length fills a gap.
    const result = finishTranscript({ ...transcript, durationSec: transcript.durationSec ?? local.durationSec });
    report(opts, started, 'ok');
    return result;
  } catch (err) {
    const normalised = normaliseError(err, opts.signal);
    report(opts, started, outcomeOf(normalised));
    throw normalised;
  }
}
