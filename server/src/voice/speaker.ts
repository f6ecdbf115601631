/**
 * Text-to-speech for the assistant's replies (the follow-up questions). A Speaker turns a short
 * text into audio bytes; nothing is stored, the bytes go straight to the customer. Two
 * implementations: any OpenAI-compatible `/v1/audio/speech` endpoint, and the embedded espeak-ng
 * binary. None configured → null, and the customer app shows the question as text only.
 */
import type { Logger } from '../core/logger.js';
import { sniffAudioFormat, FORMAT_MIME } from './audio-format.js';
import { EspeakSpeaker, espeakInstalled } from './espeak-speaker.js';
import { OpenAiSpeaker } from './openai-speech.js';
import type { FetchLike } from './types.js';

export type SpeechLanguage = 'sv' | 'en';

export interface SpeechAudio {
  bytes: Buffer;
  /** Derived from the bytes (magic numbers), never from what a provider claimed. */
  contentType: string;
}

export interface SynthesizeOptions {
  language: SpeechLanguage;
  signal?: AbortSignal;
}

export interface Speaker {
  readonly name: string;
  synthesize(text: string, opts: SynthesizeOptions): Promise<SpeechAudio>;
}

/** `retryable`: might the same request succeed later (provider down or slow)? */
export class SpeechError extends Error {
  constructor(
    readonly retryable: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SpeechError';
  }
}

/** Longest text we read aloud; follow-up questions are one or two sentences. */
export const MAX_SPEECH_CHARS = 1000;

/** Only audio a browser can play leaves the server, labelled by what the bytes really are. */
export function labelSpeech(bytes: Buffer, provider: string): SpeechAudio {
  const format = sniffAudioFormat(bytes);
  if (format === null) throw new SpeechError(true, `${provider} did not answer with audio.`);
  return { bytes, contentType: FORMAT_MIME[format] };
}

export interface TtsConfig {
  provider: 'openai' | 'espeak' | 'none' | undefined;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
  voice: string;
  timeoutMs?: number;
  fetch?: FetchLike;
  /** Test hook: the espeak-ng executable. */
  espeakCommand?: string;
}

/**
 * Unset provider: OpenAI-compatible when a base URL is configured, otherwise none. espeak is an
 * explicit choice, and only used when the binary actually runs here (a warning says why not).
 */
export function createSpeaker(cfg: TtsConfig, log?: Pick<Logger, 'warn'>): Speaker | null {
  const provider = cfg.provider ?? (cfg.baseUrl ? 'openai' : 'none');
  if (provider === 'none') return null;
  if (provider === 'espeak') {
    const command = cfg.espeakCommand ?? 'espeak-ng';
    if (espeakInstalled(command)) return new EspeakSpeaker({ command, timeoutMs: cfg.timeoutMs });
    log?.warn({ command }, 'TTS_PROVIDER=espeak but espeak-ng is not installed; spoken replies are unavailable');
    return null;
  }
  if (!cfg.baseUrl) {
    log?.warn('TTS_PROVIDER=openai needs TTS_BASE_URL; spoken replies are unavailable');
    return null;
  }
  return new OpenAiSpeaker({ baseUrl: cfg.baseUrl, apiKey: cfg.apiKey, model: cfg.model, voice: cfg.voice, timeoutMs: cfg.timeoutMs, fetch: cfg.fetch });
}
