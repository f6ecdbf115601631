/**
 * OpenAI-compatible speech: `POST {base}/v1/audio/speech` with JSON
 * `{model, input, voice, response_format}` answers the audio bytes. We ask for mp3 (every browser
 * plays it) but label the answer by its magic bytes, since compatible servers differ.
 */
import { SpeechError, labelSpeech, type Speaker, type SpeechAudio, type SynthesizeOptions } from './speaker.js';
import type { FetchLike } from './types.js';

export interface OpenAiSpeakerOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  voice: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

/** A spoken question is a few hundred kB; anything far larger is not what we asked for. */
const MAX_SPEECH_BYTES = 10 * 1024 * 1024;
export const DEFAULT_TTS_TIMEOUT_MS = 20_000;

export class OpenAiSpeaker implements Speaker {
  readonly name = 'openai-speech';
  private readonly url: string;

  constructor(private readonly opts: OpenAiSpeakerOptions) {
    // People paste either `https://host` or `https://host/v1`; accept both without doubling `/v1`.
    this.url = `${opts.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/audio/speech`;
  }

  async synthesize(text: string, opts: SynthesizeOptions): Promise<SpeechAudio> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? DEFAULT_TTS_TIMEOUT_MS);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    // The model picks the language from the text itself; the voice is a timbre, not a language.
    const body = JSON.stringify({ model: this.opts.model, input: text, voice: this.opts.voice, response_format: 'mp3' });
    let bytes: Buffer;
    try {
      const res = await (this.opts.fetch ?? globalThis.fetch)(this.url, { method: 'POST', headers, body, signal });
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        // 4xx other than 408/429 are our configuration (key, model, voice): retrying will not help.
        const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
        throw new SpeechError(retryable, `${this.name} answered HTTP ${res.status}.`);
      }
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      if (err instanceof SpeechError) throw err;
      if (opts.signal?.aborted) throw opts.signal.reason;
      const what = timeout.aborted ? 'did not answer in time' : 'could not be reached';
      throw new SpeechError(true, `${this.name} ${what}.`, { cause: err });
    }
    if (bytes.length > MAX_SPEECH_BYTES) throw new SpeechError(false, `${this.name} answered more audio than expected.`);
    return labelSpeech(bytes, this.name);
  }
}
