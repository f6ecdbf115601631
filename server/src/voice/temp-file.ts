/**
 * The only place audio may touch the disk: a private temp directory that exists for exactly as
 * long as `fn` runs. The file and its directory are removed in `finally`, whatever happens.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TempFileEvent =
  | { type: 'created'; path: string; dir: string }
  | { type: 'removed'; path: string; dir: string };

type Listener = (event: TempFileEvent) => void;
const listeners = new Set<Listener>();

/**
 * Test hook: observe temp files being created and removed. Listeners run synchronously, so a
 * 'created' listener can still stat the file. Returns the unsubscribe function.
 */
export function onTempFileEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(event: TempFileEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // An observer must never change whether the audio gets cleaned up.
    }
  }
}

/** Only a short alphanumeric extension; anything else could escape the directory or confuse a decoder. */
function safeExtension(ext: string): string {
  const clean = ext.replace(/^\./, '').toLowerCase();
  return /^[a-z0-9]{1,8}$/.test(clean) ? clean : 'bin';
}

export async function withTempAudioFile<T>(
  bytes: Buffer,
  ext: string,
  fn: (path: string) => Promise<T>,
): Promise<T> {
  // mkdtemp gives a fresh 0700 directory, so the name cannot be raced or pre-created by others.
  const dir = await mkdtemp(join(tmpdir(), 'kvittra-voice-'));
  const path = join(dir, `audio.${safeExtension(ext)}`);
  try {
    // 0600 and 'wx': readable by us alone, and never reusing a file that somehow already exists.
    await writeFile(path, bytes, { mode: 0o600, flag: 'wx' });
    emit({ type: 'created', path, dir });
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
    emit({ type: 'removed', path, dir });
  }
}
