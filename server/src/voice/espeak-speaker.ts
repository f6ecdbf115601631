/**
 * Embedded text-to-speech: the espeak-ng binary (`TTS_PROVIDER=espeak`). Robotic but local — the
 * text never leaves the machine. The text goes in on stdin (never argv: it cannot be mistaken for
 * an option), the WAV comes out on stdout; nothing touches the disk.
 */
import { spawn, spawnSync } from 'node:child_process';
import { SpeechError, labelSpeech, type Speaker, type SpeechAudio, type SynthesizeOptions } from './speaker.js';

const VOICES = { sv: 'sv', en: 'en' } as const;
const DEFAULT_TIMEOUT_MS = 15_000;
/** espeak-ng writes 22 050 Hz 16-bit mono: ~44 kB per second; a question is a few seconds. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export function espeakInstalled(command = 'espeak-ng'): boolean {
  const probe = spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 5_000 });
  return probe.error === undefined && probe.status === 0;
}

/**
 * espeak-ng streaming to stdout cannot seek back, so its RIFF and data sizes are placeholders
 * (0x7ffff000-ish). We hold the whole file, so write the real sizes: some players trust them.
 */
export function fixWavSizes(wav: Buffer): Buffer {
  if (wav.length < 12 || wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE') return wav;
  wav.writeUInt32LE(wav.length - 8, 4);
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('latin1', offset, offset + 4);
    if (id === 'data') {
      wav.writeUInt32LE(wav.length - offset - 8, offset + 4);
      break;
    }
    const size = wav.readUInt32LE(offset + 4);
    offset += 8 + size + (size % 2);
  }
  return wav;
}

export interface EspeakOptions {
  command?: string;
  timeoutMs?: number;
}

export class EspeakSpeaker implements Speaker {
  readonly name = 'espeak-ng';
  private readonly command: string;
  private readonly timeoutMs: number;

  constructor(opts: EspeakOptions = {}) {
    this.command = opts.command ?? 'espeak-ng';
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async synthesize(text: string, opts: SynthesizeOptions): Promise<SpeechAudio> {
    const wav = await this.run(['-v', VOICES[opts.language], '--stdin', '--stdout'], text, opts.signal);
    return labelSpeech(fixWavSizes(wav), this.name);
  }

  private run(args: string[], input: string, signal?: AbortSignal): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, args, { stdio: ['pipe', 'pipe', 'ignore'], timeout: this.timeoutMs, signal });
      const chunks: Buffer[] = [];
      let size = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OUTPUT_BYTES) child.kill('SIGKILL');
        else chunks.push(chunk);
      });
      child.on('error', (err) => reject(signal?.aborted ? signal.reason : new SpeechError(true, `${this.name} could not run.`, { cause: err })));
      child.on('close', (code, sig) => {
        if (signal?.aborted) return reject(signal.reason);
        if (code === 0 && size <= MAX_OUTPUT_BYTES) return resolve(Buffer.concat(chunks));
        reject(new SpeechError(true, `${this.name} failed (${sig ?? `exit ${code}`}).`));
      });
      child.stdin.on('error', () => undefined); // an early exit closes stdin; the close handler reports it
      child.stdin.end(input, 'utf8');
    });
  }
}
