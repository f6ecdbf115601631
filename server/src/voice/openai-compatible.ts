/**
 * Any OpenAI-compatible speech-to-text endpoint (OpenAI itself, or self-hosted servers that copy
 * its API): `POST /v1/audio/transcriptions`, multipart `file`, `model`, `response_format`,
 * optional `language`; `verbose_json` answers `{ text, language, duration }` where language is a
 * name such as "swedish".
 *
 * The upload is sent from memory: the bytes are already held and capped at the size limit, and
 * this way the audio never touches the disk at all.
 */
import { z } from 'zod';
import { FORMAT_EXTENSION, FORMAT_MIME, resolveAudioFormat, type AudioFormat } from './audio-format.js';
import {
  DEFAULT_TIMEOUT_MS,
  finishTranscript,
  isReachable,
  normaliseLanguage,
  postForm,
  providerResponseError,
  trimBaseUrl,
} from './provider-http.js';
import type { AudioInput, FetchLike, TranscribeOptions, Transcriber, Transcript } from './types.js';

export interface OpenAiTranscriberOptions {
  baseUrl: string;
  apiKey?: string;
  model?: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

const OpenAiResponse = z.object({
  text: z.string(),
  language: z.string().nullish(),
  // Some compatible servers send the duration as a string.
  duration: z.union([z.number(), z.string()]).nullish(),
});

function parseDuration(raw: number | string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const n = typeof raw === 'number' ? raw : Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** People paste either `https://host` or `https://host/v1`; accept both without doubling `/v1`. */
function apiRoot(baseUrl: string): string {
  return trimBaseUrl(baseUrl).replace(/\/v1$/, '');
}

export class OpenAiTranscriber implements Transcriber {
  readonly name = 'openai-compatible';
  private readonly root: string;
  private readonly apiKey: string | undefined;
  private readonly model: string;
  private readonly timeoutMs: number;
  private readonly fetch: FetchLike;

  constructor(opts: OpenAiTranscriberOptions) {
    this.root = apiRoot(opts.baseUrl);
    this.apiKey = opts.apiKey || undefined;
    this.model = opts.model || 'whisper-1';
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  async transcribe(audio: AudioInput, opts: TranscribeOptions = {}): Promise<Transcript> {
    const format = resolveAudioFormat(audio);
    const body = await postForm({
      fetch: this.fetch,
      provider: this.name,
      url: `${this.root}/v1/audio/transcriptions`,
      form: this.buildForm(audio, format, opts.language),
      headers: this.authHeaders(),
      timeoutMs: this.timeoutMs,
      signal: opts.signal,
    });
    const parsed = OpenAiResponse.safeParse(body);
    if (!parsed.success) throw providerResponseError(this.name);
    return finishTranscript({
      text: parsed.data.text,
      language: normaliseLanguage(parsed.data.language, opts.language),
      durationSec: parseDuration(parsed.data.duration),
      provider: this.name,
    });
  }

  /** `/v1/models` is the one endpoint every compatible server has; it also proves the key works. */
  async health(): Promise<boolean> {
    return isReachable(this.fetch, `${this.root}/v1/models`, this.authHeaders());
  }

  private buildForm(audio: AudioInput, format: AudioFormat, language?: string): FormData {
    const form = new FormData();
    // Node Buffers sit on plain ArrayBuffers; the cast only narrows the generic for the DOM typings.
    const bytes = audio.bytes as Uint8Array<ArrayBuffer>;
    // The extension matters: OpenAI picks the decoder from the file name.
    form.append('file', new Blob([bytes], { type: FORMAT_MIME[format] }), `audio.${FORMAT_EXTENSION[format]}`);
    form.append('model', this.model);
    form.append('response_format', 'verbose_json');
    if (language) form.append('language', language);
    return form;
  }

  private authHeaders(): Record<string, string> | undefined {
    return this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : undefined;
  }
}
