/**
 * Decide what an upload really is before anything is sent anywhere. The declared MIME type is
 * only a claim; the magic bytes are the truth, and the two must agree. WAV's duration can be read
 * exactly from its header, so an over-long WAV is refused without a provider round trip.
 */
import { TranscriptionError, type AudioInput } from './types.js';

export type AudioFormat = 'webm' | 'ogg' | 'wav' | 'mp3' | 'm4a';

export const MAX_AUDIO_SECONDS = 300;
export const DEFAULT_MAX_AUDIO_BYTES = 20 * 1024 * 1024;

/** The extension providers expect (OpenAI-style services choose a decoder from it). */
export const FORMAT_EXTENSION: Readonly<Record<AudioFormat, string>> = {
  webm: 'webm',
  ogg: 'ogg',
  wav: 'wav',
  mp3: 'mp3',
  m4a: 'm4a',
};

/** The canonical type sent upstream, whatever spelling the client used. */
export const FORMAT_MIME: Readonly<Record<AudioFormat, string>> = {
  webm: 'audio/webm',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
};

/** Declared types we accept, per container. Browsers' MediaRecorder emits webm (Chrome/Firefox) or mp4 (Safari). */
const MIME_TYPES: Readonly<Record<string, AudioFormat>> = {
  'audio/webm': 'webm',
  'video/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'application/ogg': 'ogg',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/m4a': 'm4a',
  'audio/x-m4a': 'm4a',
  'video/mp4': 'm4a',
};

/** `audio/webm;codecs=opus` → webm; unknown → null. */
export function formatForMimeType(mimeType: string): AudioFormat | null {
  const essence = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  return MIME_TYPES[essence] ?? null;
}

function startsWithAscii(bytes: Buffer, offset: number, ascii: string): boolean {
  return bytes.length >= offset + ascii.length && bytes.toString('latin1', offset, offset + ascii.length) === ascii;
}

/**
 * MPEG audio frame header: 11 sync bits, then version ≠ reserved (01) and layer ≠ reserved (00).
 * The layer check also keeps AAC ADTS (sync FFF, layer 00) from passing as MP3.
 */
function isMpegFrameSync(bytes: Buffer): boolean {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === undefined || b1 === undefined) return false;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return false;
  const version = (b1 >> 3) & 0b11;
  const layer = (b1 >> 1) & 0b11;
  return version !== 0b01 && layer !== 0b00;
}

/** The container according to the magic bytes, or null. Never throws. */
export function sniffAudioFormat(bytes: Buffer): AudioFormat | null {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  if (startsWithAscii(bytes, 0, 'OggS')) return 'ogg';
  if (startsWithAscii(bytes, 0, 'RIFF') && startsWithAscii(bytes, 8, 'WAVE')) return 'wav';
  if (startsWithAscii(bytes, 4, 'ftyp')) return 'm4a';
  if (startsWithAscii(bytes, 0, 'ID3') || isMpegFrameSync(bytes)) return 'mp3';
  return null;
}

/** Sniffed format that agrees with the declared type, or `bad_audio`. */
export function resolveAudioFormat(audio: AudioInput): AudioFormat {
  const declared = formatForMimeType(audio.mimeType);
  if (declared === null) throw new TranscriptionError('bad_audio', false, 'Unsupported audio type.');
  const sniffed = sniffAudioFormat(audio.bytes);
  if (sniffed === null) throw new TranscriptionError('bad_audio', false, 'The audio format was not recognised.');
  if (sniffed !== declared) {
    throw new TranscriptionError('bad_audio', false, `The audio is ${sniffed} but was declared as ${declared}.`);
  }
  return sniffed;
}

interface WavFmt {
  sampleRate: number;
  byteRate: number;
}

interface WavChunks {
  fmt: WavFmt | null;
  dataBytes: number | null;
  factSamples: number | null;
}

/** Walk the RIFF chunks (any order, any extra chunks such as LIST/fact, odd sizes padded to even). */
function readWavChunks(bytes: Buffer): WavChunks {
  const found: WavChunks = { fmt: null, dataBytes: null, factSamples: null };
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= bytes.length) {
      found.fmt = { sampleRate: bytes.readUInt32LE(body + 4), byteRate: bytes.readUInt32LE(body + 8) };
    } else if (id === 'fact' && body + 4 <= bytes.length) {
      found.factSamples = bytes.readUInt32LE(body);
    } else if (id === 'data') {
      // Streamed WAVs carry a placeholder size (0 or 0xFFFFFFFF): trust only the bytes present.
      const available = bytes.length - body;
      found.dataBytes = size === 0 || size > available ? available : size;
      if (found.fmt) break; // fmt precedes data in practice; nothing after data matters then
    }
    offset = body + size + (size % 2);
  }
  return found;
}

/**
 * Exact WAV duration in seconds from the header, or null when the header is unusable.
 * Compressed WAVs (fact chunk) count samples; PCM divides the data size by the byte rate.
 */
export function wavDurationSeconds(bytes: Buffer): number | null {
  if (sniffAudioFormat(bytes) !== 'wav') return null;
  const { fmt, dataBytes, factSamples } = readWavChunks(bytes);
  if (!fmt || dataBytes === null || fmt.sampleRate === 0 || fmt.byteRate === 0) return null;
  if (factSamples !== null && factSamples > 0) return factSamples / fmt.sampleRate;
  return dataBytes / fmt.byteRate;
}

export interface ValidatedAudio {
  format: AudioFormat;
  /** Known exactly for WAV; null for compressed containers (the provider reports it). */
  durationSec: number | null;
}

/**
 * Everything we can check locally, cheapest first. Duration is checked before size so a long
 * recording is reported as too long (the customer can act on that) rather than merely too big.
 */
export function validateAudio(audio: AudioInput, maxBytes = DEFAULT_MAX_AUDIO_BYTES): ValidatedAudio {
  if (audio.bytes.length === 0) throw new TranscriptionError('bad_audio', false, 'The audio is empty.');
  const format = resolveAudioFormat(audio);
  const durationSec = format === 'wav' ? wavDurationSeconds(audio.bytes) : null;
  if (format === 'wav' && durationSec === null) {
    throw new TranscriptionError('bad_audio', false, 'The WAV header is incomplete.');
  }
  assertNotTooLong(durationSec);
  if (audio.bytes.length > maxBytes) {
    // Size is a proxy for length: the remedy for the customer is the same, record something shorter.
    throw new TranscriptionError('too_long', false, `The audio is larger than ${maxBytes} bytes.`);
  }
  return { format, durationSec };
}

export function assertNotTooLong(durationSec: number | null): void {
  if (durationSec !== null && durationSec > MAX_AUDIO_SECONDS) {
    throw new TranscriptionError(
      'too_long',
      false,
      `The audio is ${Math.round(durationSec)} s long; the limit is ${MAX_AUDIO_SECONDS} s.`,
    );
  }
}
