/**
 * Real audio for voice tests, made with espeak-ng (speech) and sox (conversion, silence).
 * Locally, missing tools skip the audio suites; in CI (CI=true) they fail instead, because a
 * silently skipped suite there would hide that nothing was tested.
 * Debian packages: espeak-ng, sox, libsox-fmt-all.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';

const run = promisify(execFile);

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

function toolRuns(cmd: string, args: string[]): boolean {
  const result = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return result.error === undefined;
}

let toolsCache: boolean | undefined;
/** espeak-ng, sox and soxi are all on PATH. */
export function hasAudioTools(): boolean {
  toolsCache ??= toolRuns('espeak-ng', ['--version']) && toolRuns('sox', ['--version']) && toolRuns('soxi', ['-V0']);
  return toolsCache;
}

let soxFormatsCache: Set<string> | undefined;
/** The formats this sox build can handle (`sox -h` lists them; libsox-fmt-all adds mp3 and more). */
export function soxFormats(): Set<string> {
  if (soxFormatsCache) return soxFormatsCache;
  const help = spawnSync('sox', ['-h'], { encoding: 'utf8' });
  const line = (help.stdout ?? '').split('\n').find((l) => l.startsWith('AUDIO FILE FORMATS:')) ?? '';
  soxFormatsCache = new Set(line.replace('AUDIO FILE FORMATS:', '').trim().split(/\s+/).filter(Boolean));
  return soxFormatsCache;
}

export function soxCanWrite(format: string): boolean {
  return hasAudioTools() && soxFormats().has(format);
}

async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'kvittra-test-audio-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** 16-bit mono PCM WAV of `seconds` silence, built by hand (no tools needed). */
export function tinyWav(seconds = 0.5, rate = 8000): Buffer {
  const data = Math.round(seconds * rate) * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(data, 40);
  return b;
}

/** Spoken `text` as a WAV (espeak-ng writes 22050 Hz mono 16-bit PCM). */
export async function makeSpeechWav(text: string, lang = 'sv'): Promise<Buffer> {
  return inTempDir(async (dir) => {
    const out = join(dir, 'speech.wav');
    await run('espeak-ng', ['-v', lang, '-w', out, text]);
    return readFile(out);
  });
}

/** `seconds` of silence, exactly as `sox -n -r <rate> -c 1 out.wav trim 0 <seconds>` makes it. */
export async function makeSilenceWav(seconds: number, rate = 16_000): Promise<Buffer> {
  return inTempDir(async (dir) => {
    const out = join(dir, 'silence.wav');
    await run('sox', ['-n', '-r', String(rate), '-c', '1', out, 'trim', '0', String(seconds)]);
    return readFile(out);
  });
}

export type SoxTarget = 'ogg' | 'mp3' | 'flac' | 'wav';

/** Convert WAV bytes with sox; throws when this sox has no handler for `format`. */
export async function convertAudio(wav: Buffer, format: SoxTarget): Promise<Buffer> {
  if (!soxFormats().has(format)) throw new Error(`sox cannot write ${format} here (install libsox-fmt-all)`);
  return inTempDir(async (dir) => {
    const input = join(dir, 'in.wav');
    const output = join(dir, `out.${format}`);
    await writeFile(input, wav);
    await run('sox', [input, output]);
    return readFile(output);
  });
}

/** sox's own opinion of the duration (`soxi -D`), as an independent check of our header parser. */
export async function soxiDuration(bytes: Buffer, ext = 'wav'): Promise<number> {
  return inTempDir(async (dir) => {
    const file = join(dir, `probe.${ext}`);
    await writeFile(file, bytes);
    const { stdout } = await run('soxi', ['-D', file]);
    return Number(stdout.trim());
  });
}

/**
 * `describe` that needs espeak-ng/sox (and optionally sox format handlers). Present → runs.
 * Missing → skipped locally, but in CI a failing test stands in for the suite.
 */
export function describeWithAudioTools(name: string, fn: () => void, formats: SoxTarget[] = []): void {
  const missing = [
    ...(hasAudioTools() ? [] : ['espeak-ng/sox/soxi']),
    ...formats.filter((f) => hasAudioTools() && !soxFormats().has(f)).map((f) => `sox ${f} handler`),
  ];
  if (missing.length === 0) return void describe(name, fn);
  if (IN_CI) {
    return void describe(name, () => {
      it('has the audio tools it needs', () => {
        throw new Error(`Missing in CI: ${missing.join(', ')} (apt-get install espeak-ng sox libsox-fmt-all)`);
      });
    });
  }
  describe.skip(name, fn);
}
