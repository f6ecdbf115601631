import { maxHeaderSize, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AppError, errorBody, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { requestId } from './request-id.js';

/**
 * Requests that Node's HTTP server rejects before Fastify sees them: parser errors and timeouts
 * (`clientError`), an `Expect:` other than 100-continue, and CONNECT. Node's own answers are empty
 * bodies without a request id; these speak the catalogue instead.
 */

/** Node `clientError` codes with an answer of their own; every other parser error (HPE_*) is malformed_request. */
export const CLIENT_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  // Node's headersTimeout (HTTP_HEADERS_TIMEOUT_MS) and requestTimeout both raise this one.
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
  // The request line counts too, so an over-long URL lands here as well (Node's limit, 16 KiB).
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'payload_too_large',
};

/** The connection is gone (the client reset it): nobody is left to answer. */
const CONNECTION_GONE = new Set(['ECONNRESET', 'EPIPE']);

type Headers = Readonly<Record<string, string>>;

export function clientErrorToAppError(code: string | undefined): AppError {
  const mapped = code === undefined ? undefined : CLIENT_ERROR_CODES[code];
  if (mapped === 'headers_too_large') return new AppError(mapped, undefined, { maxBytes: maxHeaderSize });
  return new AppError(mapped ?? 'malformed_request');
}

/** A complete HTTP/1.1 response, for a socket that has no ServerResponse (or one that never started). */
export function rawErrorResponse(err: AppError, id: string, headers: Headers): string {
  const body = JSON.stringify(errorBody(err));
  const lines = [
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `x-request-id: ${id}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `date: ${new Date().toUTCString()}`,
    'connection: close',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Node's own rule (lib/_http_server.js, socketOnError): write only while no byte of a response has
 * gone out on this socket — otherwise ours would land inside another response.
 */
function canAnswer(socket: Socket): boolean {
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  return socket.writable && !socket.destroyed && inFlight?.headersSent !== true;
}

function answerAndClose(socket: Socket, err: AppError, headers: Headers, log: Logger, cause: string, id = requestId()): void {
  log.info({ reqId: id, code: err.code, status: err.status, cause }, 'request rejected');
  if (canAnswer(socket)) socket.write(rawErrorResponse(err, id, headers));
  socket.destroy();
}

/** Fastify's `clientErrorHandler` option. */
export function clientErrorHandler(log: Logger, headers: Headers) {
  return (err: Error & { code?: string }, socket: Socket): void => {
    if (socket.destroyed || CONNECTION_GONE.has(err.code ?? '')) {
      socket.destroy();
      return;
    }
    answerAndClose(socket, clientErrorToAppError(err.code), headers, log, err.code ?? 'unknown');
  };
}

/** Expect: anything but 100-continue. Node answers 417 with an empty body unless someone listens. */
function expectationFailed(log: Logger, headers: Headers) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const id = requestId(req.headers['x-request-id']);
    const err = new AppError('expectation_failed');
    const body = JSON.stringify(errorBody(err));
    log.info({ reqId: id, code: err.code, status: err.status, cause: 'expect' }, 'request rejected');
    // The body the client may still send would be read as the next request: close after answering.
    res.writeHead(err.status, { ...headers, 'x-request-id': id, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
    res.end(body);
  };
}

/** CONNECT (a proxy tunnel): Node drops the connection without a word unless someone listens. */
function connectNotAllowed(log: Logger, headers: Headers) {
  return (req: IncomingMessage, socket: Socket): void => {
    const err = new AppError('method_not_allowed', 'CONNECT is not supported: this is not a proxy.');
    answerAndClose(socket, err, headers, log, 'connect', requestId(req.headers['x-request-id']));
  };
}

export function installNodeRejections(server: Server, log: Logger, headers: Headers): void {
  server.on('checkExpectation', expectationFailed(log, headers));
  server.on('connect', connectNotAllowed(log, headers));
}
