/** The one way the web app talks to the server: JSON in, JSON out, `{error:{code,message,details}}` as ApiError. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** Set from the login / me responses; sent on every unsafe request of a cookie session. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export interface RequestOptions {
  body?: unknown;
  /** FormData is sent as multipart (voice uploads). */
  form?: FormData;
  signal?: AbortSignal;
  query?: Record<string, string | number | undefined | null>;
  /** Extra request headers (the customer app's session token and device id). */
  headers?: Record<string, string>;
}

function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export async function api<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Network error');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = text ? (safeParse(text) as { error?: { code: string; message: string; details?: unknown } }) : undefined;
  if (!res.ok) {
    const e = json?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.details);
  }
  return json as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Downloads (CSV, PDF, PNG) go through the same session; returns a Blob for saving. */
export async function download(path: string, query?: RequestOptions['query']): Promise<Blob> {
  const res = await fetch(withQuery(path, query), { credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, res.statusText);
  return res.blob();
}
