/**
 * A WebSocket client for the voice stream (the `ws` package), as the customer app uses it: the
 * session token travels as the `kvittra.token.<token>` subprotocol next to `kvittra.voice.v1`.
 * Frames are collected in order; `next(type)` waits for the next frame of a type, `closed` for the close.
 */
import WebSocket from 'ws';
import type { PlatformHandle } from './platform.js';
import type { CustomerSession } from './customer.js';

export interface StreamFrame {
  type: string;
  [key: string]: any;
}

export interface StreamClient {
  ws: WebSocket;
  protocol: string;
  frames: StreamFrame[];
  /** Resolves with the first not-yet-consumed frame of this type (frames of other types are skipped, not lost). */
  next(type: string): Promise<StreamFrame>;
  closed: Promise<{ code: number; reason: string }>;
  sendAudio(bytes: Buffer): void;
  sendJson(frame: unknown): void;
}

export interface RefusedUpgrade {
  status: number;
  body: any;
}

export type StreamAuth = 'subprotocol' | 'header' | 'none';

export function streamUrl(p: PlatformHandle, sessionId: string): string {
  return `${p.baseUrl.replace(/^http/, 'ws')}/api/v1/feedback-sessions/${sessionId}/voice-stream`;
}

function connect(p: PlatformHandle, s: Pick<CustomerSession, 'sessionId' | 'token'>, auth: StreamAuth): WebSocket {
  const protocols = ['kvittra.voice.v1', ...(auth === 'subprotocol' ? [`kvittra.token.${s.token}`] : [])];
  const headers = auth === 'header' ? { authorization: `Bearer ${s.token}` } : undefined;
  return new WebSocket(streamUrl(p, s.sessionId), protocols, { headers });
}

/** Opens a stream that must be accepted; rejects with the HTTP refusal otherwise. */
export function openStream(p: PlatformHandle, s: Pick<CustomerSession, 'sessionId' | 'token'>, auth: StreamAuth = 'subprotocol'): Promise<StreamClient> {
  const ws = connect(p, s, auth);
  const frames: StreamFrame[] = [];
  const consumed = new Set<StreamFrame>();
  const waiters: { type: string; resolve: (f: StreamFrame) => void }[] = [];
  const deliver = () => {
    for (const w of [...waiters]) {
      const f = frames.find((x) => x.type === w.type && !consumed.has(x));
      if (f) {
        consumed.add(f);
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(f);
      }
    }
  };
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (data, isBinary) => {
    if (isBinary) throw new Error('the server never sends binary frames');
    frames.push(JSON.parse(data.toString()) as StreamFrame);
    deliver();
  });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`refused: ${res.statusCode}`), { refused: { status: res.statusCode, body: text ? JSON.parse(text) : null } })));
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        protocol: ws.protocol,
        frames,
        closed,
        next: (type) =>
          new Promise((res, rej) => {
            waiters.push({ type, resolve: res });
            deliver();
            void closed.then((c) => rej(new Error(`closed (${c.code} ${c.reason}) before a "${type}" frame; got ${JSON.stringify(frames)}`)));
          }),
        sendAudio: (bytes) => ws.send(bytes, { binary: true }),
        sendJson: (frame) => ws.send(JSON.stringify(frame)),
      }),
    );
  });
}

/** The HTTP answer to an upgrade the server refused before switching protocols. */
export async function refusedUpgrade(p: PlatformHandle, s: Pick<CustomerSession, 'sessionId' | 'token'>, auth: StreamAuth = 'subprotocol'): Promise<RefusedUpgrade> {
  try {
    const c = await openStream(p, s, auth);
    c.ws.close();
  } catch (err) {
    const refused = (err as { refused?: RefusedUpgrade }).refused;
    if (refused) return refused;
    throw err;
  }
  throw new Error('the upgrade was accepted');
}

export function chunks(bytes: Buffer, parts: number): Buffer[] {
  const size = Math.ceil(bytes.length / parts);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
