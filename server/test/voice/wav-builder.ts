/** Hand-built RIFF/WAVE files, so header parsing is tested against layouts real tools rarely emit. */

export interface Chunk {
  id: string;
  body: Buffer;
  /** Write this size instead of body.length (streamed/placeholder headers). */
  declaredSize?: number;
}

export function chunk(id: string, body: Buffer, declaredSize?: number): Chunk {
  return { id, body, declaredSize };
}

export function fmtChunk(o: { sampleRate: number; channels: number; bits: number; formatTag?: number; byteRate?: number }): Chunk {
  const blockAlign = Math.max(1, Math.floor((o.channels * o.bits) / 8));
  const body = Buffer.alloc(16);
  body.writeUInt16LE(o.formatTag ?? 1, 0);
  body.writeUInt16LE(o.channels, 2);
  body.writeUInt32LE(o.sampleRate, 4);
  body.writeUInt32LE(o.byteRate ?? o.sampleRate * blockAlign, 8);
  body.writeUInt16LE(blockAlign, 12);
  body.writeUInt16LE(o.bits, 14);
  return chunk('fmt ', body);
}

/** RIFF container; odd-sized chunks get their pad byte, as the spec requires. */
export function riffWave(chunks: Chunk[]): Buffer {
  const parts = chunks.map((c) => {
    const header = Buffer.alloc(8);
    header.write(c.id, 0, 'latin1');
    header.writeUInt32LE(c.declaredSize ?? c.body.length, 4);
    const pad = c.body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0);
    return Buffer.concat([header, c.body, pad]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length + 4, 4);
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, body]);
}

/** A plain PCM WAV of `frames` sample frames. */
export function pcmWav(o: { sampleRate: number; channels: number; bits: number; frames: number }): Buffer {
  const data = Buffer.alloc((o.frames * o.channels * o.bits) / 8);
  return riffWave([fmtChunk(o), chunk('data', data)]);
}
