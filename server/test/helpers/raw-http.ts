import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
  /** The raw head as received, for assertions on the status line and header syntax. */
  head: string;
}

export interface RawOptions {
  /** Send FIN after the bytes, as a client that gives up half-way would. */
  halfClose?: boolean;
}

/**
 * Sends bytes that fetch() cannot (bad percent-encoding, bare CR/LF, bad methods, oversized heads)
 * on a fresh loopback connection and reads the first response: its head, then `content-length`
 * bytes of body, or everything until the server closes.
 */
export function rawRequest(baseUrl: string, bytes: string | Buffer, opts: RawOptions = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = () => {
      if (settled) return;
      const parsed = parseResponse(received);
      if (!parsed) return;
      settled = true;
      socket.destroy();
      resolve(parsed);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parseResponse(received);
      if (parsed && parsed.headers.has('content-length')) finish();
    });
    socket.on('close', () => {
      finish();
      if (!settled) reject(new Error(`connection closed without a complete response; received ${JSON.stringify(received.toString('latin1').slice(0, 300))}`));
    });
    // A reset after the response (the server closes with unread bytes) is not a failure.
    socket.on('error', () => undefined);
    socket.write(bytes);
    if (opts.halfClose) socket.end();
  });
}

/** The first complete response in `data`, or null while more bytes are needed. */
function parseResponse(data: Buffer): RawResponse | null {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = data.subarray(0, end).toString('latin1');
  const [statusLine = '', ...fields] = head.split('\r\n');
  const headers = new Headers();
  for (const field of fields) {
    const colon = field.indexOf(':');
    headers.append(field.slice(0, colon).trim(), field.slice(colon + 1).trim());
  }
  const length = headers.get('content-length');
  const bodyBytes = data.subarray(end + 4);
  if (length !== null && bodyBytes.length < Number(length)) return null;
  const text = bodyBytes.subarray(0, length === null ? undefined : Number(length)).toString('utf8');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, text, body, head };
}
