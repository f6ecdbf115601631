import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { onTempFileEvent, withTempAudioFile, type TempFileEvent } from '../../src/voice/temp-file.js';

const AUDIO = Buffer.from('RIFF\x24\x00\x00\x00WAVEfake audio bytes', 'latin1');

let unsubscribe: (() => void) | undefined;
afterEach(() => unsubscribe?.());

describe('withTempAudioFile', () => {
  it('hands fn a private 0600 file holding the bytes, in a fresh dir under os.tmpdir()', async () => {
    const seen = await withTempAudioFile(AUDIO, 'wav', async (path) => ({
      path,
      mode: statSync(path).mode & 0o777,
      dirMode: statSync(dirname(path)).mode & 0o777,
      content: await readFile(path),
    }));
    expect(seen.mode).toBe(0o600);
    expect(seen.dirMode).toBe(0o700);
    expect(seen.content.equals(AUDIO)).toBe(true);
    expect(dirname(dirname(seen.path))).toBe(tmpdir());
    expect(basename(seen.path)).toBe('audio.wav');
  });

  it('removes the file and its directory after success, and returns fn’s value', async () => {
    let path = '';
    const result = await withTempAudioFile(AUDIO, 'ogg', async (p) => {
      path = p;
      expect(existsSync(p)).toBe(true);
      return 42;
    });
    expect(result).toBe(42);
    expect(path).not.toBe('');
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
  });

  it('removes the file and its directory when fn throws, and rethrows the same error', async () => {
    let path = '';
    const boom = new Error('provider exploded');
    await expect(
      withTempAudioFile(AUDIO, 'mp3', async (p) => {
        path = p;
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(path).not.toBe('');
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
  });

  it('reports creation then removal to observers, in order, with the same path', async () => {
    const events: TempFileEvent[] = [];
    let modeAtCreation = -1;
    unsubscribe = onTempFileEvent((e) => {
      events.push(e);
      if (e.type === 'created') modeAtCreation = statSync(e.path).mode & 0o777;
    });
    await withTempAudioFile(AUDIO, 'webm', async () => undefined);
    expect(events.map((e) => e.type)).toEqual(['created', 'removed']);
    expect(events[0]!.path).toBe(events[1]!.path);
    expect(modeAtCreation).toBe(0o600);
  });

  it('still cleans up when an observer throws', async () => {
    unsubscribe = onTempFileEvent(() => {
      throw new Error('bad observer');
    });
    let path = '';
    await withTempAudioFile(AUDIO, 'wav', async (p) => {
      path = p;
    });
    expect(existsSync(dirname(path))).toBe(false);
  });

  it('gives concurrent calls separate directories', async () => {
    const paths = await Promise.all(
      Array.from({ length: 8 }, () => withTempAudioFile(AUDIO, 'wav', async (p) => p)),
    );
    expect(new Set(paths.map((p) => dirname(p))).size).toBe(8);
  });

  it.each([
    ['../../etc/passwd', 'audio.bin'],
    ['.M4A', 'audio.m4a'],
    ['', 'audio.bin'],
    ['wav/x', 'audio.bin'],
  ])('sanitises the extension %j → %s', async (ext, expected) => {
    const name = await withTempAudioFile(AUDIO, ext, async (p) => basename(p));
    expect(name).toBe(expected);
  });
});
