import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_AUDIO_BYTES,
  MAX_AUDIO_SECONDS,
  formatForMimeType,
  sniffAudioFormat,
  validateAudio,
  wavDurationSeconds,
  type AudioFormat,
} from '../../src/voice/audio-format.js';
import { TranscriptionError } from '../../src/voice/types.js';
import { convertAudio, describeWithAudioTools, makeSilenceWav, makeSpeechWav, soxiDuration } from '../helpers/audio.js';
import { chunk, fmtChunk, pcmWav, riffWave } from './wav-builder.js';

const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
const bytes = (...parts: Array<number[] | string>) =>
  Buffer.from(parts.flatMap((p) => (typeof p === 'string' ? ascii(p) : p)));

const WEBM = bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01]);
const OGG = bytes('OggS', [0x00, 0x02, 0, 0, 0, 0]);
const WAV = pcmWav({ sampleRate: 8000, channels: 1, bits: 16, frames: 80 });
const MP3_ID3 = bytes('ID3', [0x04, 0x00, 0x00, 0, 0, 0, 0]);
const MP3_SYNC = bytes([0xff, 0xfb, 0x90, 0x64, 0x00]);
const M4A = bytes([0x00, 0x00, 0x00, 0x20], 'ftypM4A ', [0, 0, 0, 0]);

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (!(err instanceof TranscriptionError)) throw err;
    return err.code;
  }
}

describe('sniffAudioFormat', () => {
  const cases: Array<[string, Buffer, AudioFormat | null]> = [
    ['WebM/Matroska EBML', WEBM, 'webm'],
    ['Ogg', OGG, 'ogg'],
    ['RIFF/WAVE', WAV, 'wav'],
    ['MP3 with ID3 tag', MP3_ID3, 'mp3'],
    ['MP3 frame sync (MPEG-1 layer III)', MP3_SYNC, 'mp3'],
    ['MP3 frame sync (MPEG-2 layer III)', bytes([0xff, 0xf3, 0x40, 0xc4]), 'mp3'],
    ['MP4/M4A ftyp at offset 4', M4A, 'm4a'],
    ['AAC ADTS (sync FFF, layer 00) is not MP3', bytes([0xff, 0xf1, 0x50, 0x80]), null],
    ['MPEG sync with reserved version', bytes([0xff, 0xeb, 0x90, 0x64]), null],
    ['RIFF that is AVI, not WAVE', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), null],
    ['ftyp at offset 0 is not MP4', bytes('ftypM4A '), null],
    ['truncated EBML magic', bytes([0x1a, 0x45, 0xdf]), null],
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), null],
    ['plain text', bytes('hello, world'), null],
    ['empty', Buffer.alloc(0), null],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(sniffAudioFormat(input)).toBe(expected);
  });
});

describe('declared type vs bytes', () => {
  const accepted: Array<[string, Buffer, AudioFormat]> = [
    ['audio/webm;codecs=opus', WEBM, 'webm'],
    ['video/webm', WEBM, 'webm'],
    ['audio/ogg; codecs=opus', OGG, 'ogg'],
    ['audio/opus', OGG, 'ogg'],
    ['AUDIO/WAV', WAV, 'wav'],
    ['audio/x-wav', WAV, 'wav'],
    ['audio/mpeg', MP3_SYNC, 'mp3'],
    ['audio/mp3', MP3_ID3, 'mp3'],
    ['audio/mp4', M4A, 'm4a'],
    ['audio/x-m4a', M4A, 'm4a'],
  ];
  it.each(accepted)('accepts %s with matching bytes', (mimeType, input, format) => {
    expect(validateAudio({ bytes: input, mimeType }).format).toBe(format);
  });

  const rejected: Array<[string, Buffer, string]> = [
    ['WAV bytes declared as webm', WAV, 'audio/webm'],
    ['WebM bytes declared as ogg', WEBM, 'audio/ogg'],
    ['MP3 bytes declared as mp4', MP3_ID3, 'audio/mp4'],
    ['unknown declared type', OGG, 'application/octet-stream'],
    ['unsupported container (FLAC)', bytes('fLaC', [0, 0, 0, 0x22]), 'audio/flac'],
    ['unknown bytes declared as wav', bytes('not audio at all'), 'audio/wav'],
    ['empty body', Buffer.alloc(0), 'audio/wav'],
    ['WAV without a fmt chunk', riffWave([chunk('data', Buffer.alloc(100))]), 'audio/wav'],
    ['WAV without a data chunk', riffWave([fmtChunk({ sampleRate: 8000, channels: 1, bits: 16 })]), 'audio/wav'],
  ];
  it.each(rejected)('rejects %s as bad_audio', (_name, input, mimeType) => {
    expect(codeOf(() => validateAudio({ bytes: input, mimeType }))).toBe('bad_audio');
  });

  it('caps the size: default 20 MiB, configurable, refused as too_long', () => {
    expect(DEFAULT_MAX_AUDIO_BYTES).toBe(20 * 1024 * 1024);
    const atCap = Buffer.concat([OGG, Buffer.alloc(DEFAULT_MAX_AUDIO_BYTES - OGG.length)]);
    expect(validateAudio({ bytes: atCap, mimeType: 'audio/ogg' }).format).toBe('ogg');
    const overCap = Buffer.concat([atCap, Buffer.alloc(1)]);
    expect(codeOf(() => validateAudio({ bytes: overCap, mimeType: 'audio/ogg' }))).toBe('too_long');
    expect(codeOf(() => validateAudio({ bytes: OGG, mimeType: 'audio/ogg' }, OGG.length - 1))).toBe('too_long');
  });

  it('refuses WAV longer than 5 minutes from its header alone', () => {
    expect(MAX_AUDIO_SECONDS).toBe(300);
    const justOk = pcmWav({ sampleRate: 1000, channels: 1, bits: 8, frames: 300_000 });
    const tooLong = pcmWav({ sampleRate: 1000, channels: 1, bits: 8, frames: 300_001 });
    expect(validateAudio({ bytes: justOk, mimeType: 'audio/wav' }).durationSec).toBe(300);
    expect(codeOf(() => validateAudio({ bytes: tooLong, mimeType: 'audio/wav' }))).toBe('too_long');
  });
});

/** An independent oracle for the magic numbers, written byte by byte. */
function oracle(b: Uint8Array): AudioFormat | null {
  const at = (i: number) => b[i];
  const str = (off: number, s: string) => [...s].every((c, i) => at(off + i) === c.charCodeAt(0));
  if (at(0) === 0x1a && at(1) === 0x45 && at(2) === 0xdf && at(3) === 0xa3) return 'webm';
  if (str(0, 'OggS')) return 'ogg';
  if (str(0, 'RIFF') && str(8, 'WAVE')) return 'wav';
  if (str(4, 'ftyp')) return 'm4a';
  if (str(0, 'ID3')) return 'mp3';
  const b1 = at(1);
  if (at(0) === 0xff && b1 !== undefined && b1 >= 0xe0) {
    const versionReserved = ((b1 >> 3) & 3) === 1;
    const layerReserved = ((b1 >> 1) & 3) === 0;
    if (!versionReserved && !layerReserved) return 'mp3';
  }
  return null;
}

const MIME_BY_FORMAT: Record<AudioFormat, string> = {
  webm: 'audio/webm',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
};
const MAGICS: Record<AudioFormat, Buffer> = { webm: WEBM, ogg: OGG, wav: WAV, mp3: MP3_ID3, m4a: M4A };

describe('format properties', () => {
  it('random bytes never throw and are recognised exactly when the magic matches', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), (arr) => {
        expect(sniffAudioFormat(Buffer.from(arr))).toBe(oracle(arr));
      }),
      { numRuns: 3000 },
    );
  });

  it('any bytes after a known magic are recognised by that magic', () => {
    const format = fc.constantFrom<AudioFormat>('webm', 'ogg', 'mp3', 'm4a');
    fc.assert(
      fc.property(format, fc.uint8Array({ maxLength: 64 }), (f, tail) => {
        const input = Buffer.concat([MAGICS[f].subarray(0, 12), Buffer.from(tail)]);
        expect(sniffAudioFormat(input)).toBe(f);
      }),
    );
  });

  it('validateAudio only ever accepts when the bytes match the declared type, and only throws TranscriptionError', () => {
    const mime = fc.constantFrom(...Object.values(MIME_BY_FORMAT), 'audio/flac', 'text/plain', '');
    const prefix = fc.constantFrom(Buffer.alloc(0), ...Object.values(MAGICS).map((m) => m.subarray(0, 12)));
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 64 }), mime, (p, tail, mimeType) => {
        const input = Buffer.concat([p, Buffer.from(tail)]);
        let accepted: AudioFormat | null = null;
        try {
          accepted = validateAudio({ bytes: input, mimeType }).format;
        } catch (err) {
          expect(err).toBeInstanceOf(TranscriptionError);
        }
        if (accepted !== null) {
          expect(accepted).toBe(oracle(input));
          expect(formatForMimeType(mimeType)).toBe(accepted);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('wavDurationSeconds', () => {
  it('is exact for any PCM layout', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8000, 11025, 16000, 22050, 44100, 48000, 96000),
        fc.integer({ min: 1, max: 2 }),
        fc.constantFrom(8, 16, 24, 32),
        fc.integer({ min: 0, max: 4000 }),
        (sampleRate, channels, bits, frames) => {
          expect(wavDurationSeconds(pcmWav({ sampleRate, channels, bits, frames }))).toBe(frames / sampleRate);
        },
      ),
    );
  });

  it('skips extra chunks before, between and after, honouring the odd-size pad byte', () => {
    const wav = riffWave([
      chunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00abcd', 'latin1')),
      fmtChunk({ sampleRate: 16000, channels: 1, bits: 16 }),
      chunk('junk', Buffer.alloc(3, 0x41)), // odd → padded
      chunk('data', Buffer.alloc(16000 * 2 * 3)),
      chunk('id3 ', Buffer.alloc(10)),
    ]);
    expect(wavDurationSeconds(wav)).toBe(3);
  });

  it('trusts the bytes present when the data size is a streaming placeholder or overstated', () => {
    const fmt = fmtChunk({ sampleRate: 8000, channels: 1, bits: 8 });
    expect(wavDurationSeconds(riffWave([fmt, chunk('data', Buffer.alloc(4000), 0xffffffff)]))).toBe(0.5);
    expect(wavDurationSeconds(riffWave([fmt, chunk('data', Buffer.alloc(4000), 0)]))).toBe(0.5);
    expect(wavDurationSeconds(riffWave([fmt, chunk('data', Buffer.alloc(4000), 80_000)]))).toBe(0.5);
  });

  it('counts samples from the fact chunk for compressed WAV', () => {
    const wav = riffWave([
      fmtChunk({ sampleRate: 22050, channels: 1, bits: 4, formatTag: 0x11, byteRate: 11100 }),
      chunk('fact', Buffer.from([0x22, 0x56, 0x00, 0x00])), // 22050 samples
      chunk('data', Buffer.alloc(11100)),
    ]);
    expect(wavDurationSeconds(wav)).toBe(1);
  });

  it('returns null for unusable headers', () => {
    expect(wavDurationSeconds(OGG)).toBeNull();
    expect(wavDurationSeconds(riffWave([chunk('data', Buffer.alloc(10))]))).toBeNull();
    expect(wavDurationSeconds(riffWave([fmtChunk({ sampleRate: 8000, channels: 1, bits: 16, byteRate: 0 }), chunk('data', Buffer.alloc(10))]))).toBeNull();
  });
});

describeWithAudioTools(
  'real audio from espeak-ng and sox',
  () => {
    it('WAV duration matches soxi -D for an espeak-ng recording', async () => {
      const wav = await makeSpeechWav('Hej! Maten var mycket god, men kaffet var kallt.');
      const ours = wavDurationSeconds(wav);
      expect(ours).not.toBeNull();
      expect(ours!).toBeGreaterThan(1);
      expect(Math.abs(ours! - (await soxiDuration(wav)))).toBeLessThan(1e-5);
    });

    it('a 6-minute sox silence measures 360 s', async () => {
      const wav = await makeSilenceWav(360);
      expect(wavDurationSeconds(wav)).toBe(360);
      expect(await soxiDuration(wav)).toBe(360);
    });

    it.each([
      ['ogg', 'audio/ogg'],
      ['mp3', 'audio/mpeg'],
    ] as const)('sox-made %s is sniffed and accepted as %s', async (format, mimeType) => {
      const converted = await convertAudio(await makeSpeechWav('Tack för maten'), format);
      expect(sniffAudioFormat(converted)).toBe(format);
      expect(validateAudio({ bytes: converted, mimeType })).toEqual({ format, durationSec: null });
      expect(codeOf(() => validateAudio({ bytes: converted, mimeType: 'audio/wav' }))).toBe('bad_audio');
    });
  },
  ['ogg', 'mp3'],
);
