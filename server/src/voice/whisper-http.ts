/**
 * A self-hosted whisper-asr-webservice (engines openai_whisper / faster_whisper / whisperx):
 * `POST /asr?task=transcribe&output=json[&language=sv]`, multipart field `audio_file`,
 * answering `{ text, segments?, language }`.
 *
 * The upload streams from a 0600 temp file (fs.openAsBlob) instead of `new Blob([bytes])`, which
 * would copy up to 20 MiB per request; the file is removed in `finally` by withTempAudioFile.
 */
import { openAsBlob } from 'node:fs';
import { z } from 'zod';
import { FORMAT_EXTENSION, FORMAT_MIME, resolveAudioFormat } from './audio-format.js';
import {
  DEFAULT_TIMEOUT_MS,
  finishTranscript,
  isReachable,
  normaliseLanguage,
  postForm,
  providerResponseError,
  trimBaseUrl,
} from './provider-http.js';
import { withTempAudioFile } from './temp-file.js';
import type { AudioInput, FetchLike, TranscribeOptions, Transcriber, Transcript } from './types.js';

export interface WhisperHttpOptions {
  baseUrl: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

const WhisperResponse = z.object({
  text: z.string(),
  language: z.string().nullish(),
  segments: z.array(z.looseObject({ end: z.number().optional() })).nullish(),
});
type WhisperResponse = z.infer<typeof WhisperResponse>;

/** whisper-asr-webservice has no duration field; the last segment's end is the best we get. */
function durationFromSegments(segments: WhisperResponse['segments']): number | null {
  const ends = (segments ?? []).map((s) => s.end).filter((e): e is number => typeof e === 'number');
  return ends.length > 0 ? Math.max(...ends) : null;
}

export class WhisperHttpTranscriber implements Transcriber {
  readonly name = 'whisper-http';
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: FetchLike;

  constructor(opts: WhisperHttpOptions) {
    this.baseUrl = trimBaseUrl(opts.baseUrl);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  async transcribe(audio: AudioInput, opts: TranscribeOptions = {}): Promise<Transcript> {
    const format = resolveAudioFormat(audio);
    const ext = FORMAT_EXTENSION[format];
    const body = await withTempAudioFile(audio.bytes, ext, async (path) => {
      const form = new FormData();
      form.append('audio_file', await openAsBlob(path, { type: FORMAT_MIME[format] }), `audio.${ext}`);
      return postForm({
        fetch: this.fetch,
        provider: this.name,
        url: this.asrUrl(opts.language),
        form,
        timeoutMs: this.timeoutMs,
        signal: opts.signal,
      });
    });
    const parsed = WhisperResponse.safeParse(body);
    if (!parsed.success) throw providerResponseError(this.name);
    return finishTranscript({
      text: parsed.data.text,
      language: normaliseLanguage(parsed.data.language, opts.language),
      durationSec: durationFromSegments(parsed.data.segments),
      provider: this.name,
    });
  }

  /** `/` redirects to the Swagger docs on a healthy service; some deployments expose `/health` instead. */
  async health(): Promise<boolean> {
    return (await isReachable(this.fetch, `${this.baseUrl}/`)) || isReachable(this.fetch, `${this.baseUrl}/health`);
  }

  private asrUrl(language: TranscribeOptions['language']): string {
    const query = new URLSearchParams({ task: 'transcribe', output: 'json' });
    if (language) query.set('language', language); // omitted → the service detects it
    return `${this.baseUrl}/asr?${query.toString()}`;
  }
}
