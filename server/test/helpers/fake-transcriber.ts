/**
 * A real HTTP server on 127.0.0.1 speaking both transcription APIs our providers use:
 *  - whisper-asr-webservice: POST /asr?task=transcribe&output=json[&language=..], field `audio_file`
 *  - OpenAI-compatible:      POST /v1/audio/transcriptions, fields `file`, `model`, `response_format`, `language`
 * It parses the multipart body for real (the Web Request's formData(), i.e. undici's parser) and
 * records what arrived — a sha256 of the audio rather than the audio itself — so tests can prove
 * the exact bytes crossed the wire. Failures are switched on with setBehaviour().
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeBehaviour =
  | { kind: 'ok'; text?: string; language?: string | null; duration?: number | null }
  | { kind: 'status'; status: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'invalid-json' }
  | { kind: 'wrong-shape' }
  | { kind: 'empty-text' }
  | { kind: 'too-long' }
  | { kind: 'drop-connection' }
  /** Answer 200 with exactly this JSON. */
  | { kind: 'raw'; body: unknown }
  /**
   * Partial-looking transcripts for streamed audio: the first words of `text` in proportion to how
   * much of a recording of `fullBytes` bytes arrived (all of it → the whole text), after `delayMs`.
   */
  | { kind: 'progressive'; text: string; fullBytes: number; delayMs?: number };

export type FakeApi = 'whisper' | 'openai';

export interface ReceivedRequest {
  api: FakeApi;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Non-file multipart fields. */
  fields: Record<string, string>;
  fileField: string | null;
  filename: string | null;
  fileType: string | null;
  audioSha256: string | null;
  audioBytes: number;
  /** `language` from the query (whisper) or the form (openai); null when absent. */
  language: string | null;
}

export interface FakeTranscriber {
  url: string;
  received: ReceivedRequest[];
  healthHits: string[];
  /** Transcription requests being answered right now, and the most there ever were at once. */
  concurrency: { current: number; max: number };
  setBehaviour(b: FakeBehaviour): void;
  setHealthy(healthy: boolean): void;
  /** Forget what was received; back to healthy and answering 'ok'. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_TEXT = 'Maten var god men kaffet var kallt.';
const LANGUAGE_NAMES: Record<string, string> = { sv: 'swedish', en: 'english' };

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseMultipart(req: IncomingMessage, raw: Buffer): Promise<FormData> {
  const request = new Request('http://fake.local/', {
    method: 'POST',
    headers: { 'content-type': req.headers['content-type'] ?? '' },
    body: raw as Uint8Array<ArrayBuffer>, // a plain Buffer; the cast narrows the DOM typing only
  });
  return request.formData();
}

async function record(api: FakeApi, url: URL, req: IncomingMessage, form: FormData): Promise<ReceivedRequest> {
  const fileField = api === 'whisper' ? 'audio_file' : 'file';
  const fields: Record<string, string> = {};
  let file: File | null = null;
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value;
    else if (name === fileField) file = value;
  }
  const audio = file ? Buffer.from(await file.arrayBuffer()) : null;
  return {
    api,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    fields,
    fileField: file ? fileField : null,
    filename: file?.name ?? null,
    fileType: file?.type ?? null,
    audioSha256: audio ? createHash('sha256').update(audio).digest('hex') : null,
    audioBytes: audio?.length ?? 0,
    language: (api === 'whisper' ? url.searchParams.get('language') : fields.language) ?? null,
  };
}

/** The body each API would send for a transcript of `text` lasting `duration` seconds. */
function successBody(api: FakeApi, rec: ReceivedRequest, b: { text: string; language?: string | null; duration: number | null }): unknown {
  const code = rec.language ?? 'sv';
  if (api === 'whisper') {
    const segments = b.duration === null ? [] : [{ id: 0, start: 0, end: b.duration, text: b.text }];
    return { text: b.text, segments, language: b.language === undefined ? code : b.language };
  }
  const language = b.language === undefined ? (LANGUAGE_NAMES[code] ?? code) : b.language;
  return { task: 'transcribe', language, duration: b.duration, text: b.text, segments: [] };
}

/** The first words of `text`, as many as the share of the recording received (at least one). */
export function progressiveText(text: string, receivedBytes: number, fullBytes: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const share = Math.min(1, receivedBytes / fullBytes);
  return words.slice(0, Math.max(1, Math.ceil(words.length * share))).join(' ');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export interface FakeOptions {
  /** When set, the OpenAI routes (including /v1/models) answer 401 unless sent `Bearer <apiKey>`. */
  apiKey?: string;
}

function unauthorised(opts: FakeOptions, url: URL, req: IncomingMessage): boolean {
  return opts.apiKey !== undefined && url.pathname.startsWith('/v1/') && req.headers.authorization !== `Bearer ${opts.apiKey}`;
}

export async function startFakeTranscriber(opts: FakeOptions = {}): Promise<FakeTranscriber> {
  const received: ReceivedRequest[] = [];
  const healthHits: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const concurrency = { current: 0, max: 0 };
  let behaviour: FakeBehaviour = { kind: 'ok' };
  let healthy = true;

  function respond(api: FakeApi, rec: ReceivedRequest, req: IncomingMessage, res: ServerResponse): void {
    const b = behaviour;
    switch (b.kind) {
      case 'ok':
        return sendJson(res, 200, successBody(api, rec, { text: b.text ?? DEFAULT_FAKE_TEXT, language: b.language, duration: b.duration === undefined ? 2.5 : b.duration }));
      case 'status':
        return sendJson(res, b.status, { detail: `fake failure ${b.status}` });
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) sendJson(res, 200, successBody(api, rec, { text: DEFAULT_FAKE_TEXT, duration: 2.5 }));
        }, b.delayMs);
        timers.add(timer);
        return;
      }
      case 'invalid-json':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"text": "half a respon');
        return;
      case 'wrong-shape':
        return sendJson(res, 200, { transcript: DEFAULT_FAKE_TEXT });
      case 'empty-text':
        return sendJson(res, 200, successBody(api, rec, { text: '   \n ', duration: 2.5 }));
      case 'too-long':
        return sendJson(res, 200, successBody(api, rec, { text: DEFAULT_FAKE_TEXT, duration: 400 }));
      case 'drop-connection':
        req.socket.destroy();
        return;
      case 'raw':
        return sendJson(res, 200, b.body);
      case 'progressive': {
        const answer = () => {
          if (!res.destroyed) sendJson(res, 200, successBody(api, rec, { text: progressiveText(b.text, rec.audioBytes, b.fullBytes), duration: null }));
        };
        if (!b.delayMs) return answer();
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, b.delayMs);
        timers.add(timer);
        return;
      }
    }
  }

  function handleHealth(url: URL, res: ServerResponse): boolean {
    const paths = ['/', '/docs', '/health', '/v1/models'];
    if (!paths.includes(url.pathname)) return false;
    healthHits.push(url.pathname);
    if (!healthy) sendJson(res, 503, { detail: 'down' });
    else if (url.pathname === '/') res.writeHead(307, { location: '/docs' }).end(); // as whisper-asr-webservice does
    else if (url.pathname === '/v1/models') sendJson(res, 200, { object: 'list', data: [{ id: 'whisper-1' }] });
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<html>docs</html>');
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.local');
    if (unauthorised(opts, url, req)) return sendJson(res, 401, { error: { message: 'Incorrect API key' } });
    if (req.method === 'GET' && handleHealth(url, res)) return;
    const api: FakeApi | null =
      url.pathname === '/asr' ? 'whisper' : url.pathname === '/v1/audio/transcriptions' ? 'openai' : null;
    if (req.method !== 'POST' || api === null) return sendJson(res, 404, { detail: 'not found' });
    const raw = await readBody(req);
    let form: FormData;
    try {
      form = await parseMultipart(req, raw);
    } catch {
      return sendJson(res, 400, { detail: 'not multipart' });
    }
    const rec = await record(api, url, req, form);
    received.push(rec);
    if (rec.fileField === null) return sendJson(res, 422, { detail: 'audio file missing' });
    concurrency.current += 1;
    concurrency.max = Math.max(concurrency.max, concurrency.current);
    res.once('close', () => {
      concurrency.current -= 1;
    });
    respond(api, rec, req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { detail: 'fake crashed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    healthHits,
    concurrency,
    setBehaviour: (b) => {
      behaviour = b;
    },
    setHealthy: (h) => {
      healthy = h;
    },
    reset: () => {
      received.length = 0;
      healthHits.length = 0;
      concurrency.current = 0;
      concurrency.max = 0;
      behaviour = { kind: 'ok' };
      healthy = true;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
