import type { ErrorCode } from '../../src/core/errors.js';
import { TEST_ADMIN_TOKEN } from './platform.js';

/**
 * One request that is rejected before a route handler runs, with who rejects it and the catalogue
 * answer it must get. test/integration/framework-errors.test.ts sends every one over a real socket;
 * test/unit/framework-errors.test.ts checks that every client-reachable Fastify and Node error code
 * has at least one here.
 */
export interface MalformedRequest {
  name: string;
  /**
   * What rejects it, as logged under the response's request id (`cause`): a Fastify code (FST_ERR_…),
   * a Node clientError code (HPE_…, ERR_HTTP_REQUEST_TIMEOUT), 'expect' or 'connect' (Node server
   * events), or undefined for the app's own checks.
   */
  cause: string | undefined;
  bytes: string | Buffer;
  halfClose?: boolean;
  expect: { status: number; code: ErrorCode };
}

const AUTH = `Authorization: Bearer ${TEST_ADMIN_TOKEN}\r\n`;
/** An authenticated JSON POST whose handler waits for the body: the body's fault is the first answer. */
const post = (headers: string, body = '') => `POST /admin/businesses HTTP/1.1\r\nHost: kvittra.test\r\n${AUTH}${headers}\r\n${body}`;
const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: kvittra.test\r\n${headers}\r\n`;

/** Longer than Node's 16 KiB limit for the request line and headers together. */
export const OVERSIZED = 20_000;

export const MALFORMED_REQUESTS: MalformedRequest[] = [
  // Fastify's router, through the frameworkErrors option.
  { name: 'bad percent-encoding in a path parameter', cause: 'FST_ERR_BAD_URL', bytes: get('/admin/businesses/%E4'), expect: { status: 400, code: 'invalid_url' } },
  { name: 'bad percent-encoding in a static path', cause: 'FST_ERR_BAD_URL', bytes: get('/api/health/%ZZlive'), expect: { status: 400, code: 'invalid_url' } },
  { name: 'a path parameter over 100 characters', cause: 'FST_ERR_MAX_PARAM_LENGTH', bytes: get(`/api/v1/feedback-sessions/${'a'.repeat(1000)}`), expect: { status: 414, code: 'uri_too_long' } },

  // Fastify's body parsing, through the error handler.
  { name: 'a body over 1 MiB (declared)', cause: 'FST_ERR_CTP_BODY_TOO_LARGE', bytes: post('Content-Type: application/json\r\nContent-Length: 5000000\r\n'), expect: { status: 413, code: 'payload_too_large' } },
  { name: 'an unsupported content type', cause: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', bytes: post('Content-Type: application/xml\r\nContent-Length: 2\r\n', '{}'), expect: { status: 415, code: 'unsupported_media_type' } },
  { name: 'a content-type header that does not parse', cause: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', bytes: post('Content-Type: ;;;\r\nContent-Length: 2\r\n', '{}'), expect: { status: 415, code: 'unsupported_media_type' } },
  { name: 'a body without a content type', cause: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', bytes: post('Content-Length: 2\r\n', '{}'), expect: { status: 415, code: 'unsupported_media_type' } },
  { name: 'a QUERY without a content type', cause: 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE', bytes: 'QUERY /api/health/live HTTP/1.1\r\nHost: kvittra.test\r\nContent-Length: 2\r\n\r\n{}', expect: { status: 415, code: 'unsupported_media_type' } },
  { name: 'an empty JSON body', cause: 'FST_ERR_CTP_EMPTY_JSON_BODY', bytes: post('Content-Type: application/json\r\nContent-Length: 0\r\n'), expect: { status: 400, code: 'invalid_json' } },
  { name: 'a body that is not JSON', cause: 'FST_ERR_CTP_INVALID_JSON_BODY', bytes: post('Content-Type: application/json\r\nContent-Length: 8\r\n', '{"name":'), expect: { status: 400, code: 'invalid_json' } },
  { name: 'a JSON body that fails the schema', cause: 'FST_ERR_VALIDATION', bytes: post('Content-Type: application/json\r\nContent-Length: 2\r\n', '[]'), expect: { status: 400, code: 'validation_failed' } },

  // Node's HTTP parser and timers, through the clientErrorHandler option (raw socket answers).
  { name: 'a URL over 16 KiB', cause: 'HPE_HEADER_OVERFLOW', bytes: get(`/${'a'.repeat(OVERSIZED)}`), expect: { status: 431, code: 'headers_too_large' } },
  { name: 'a header over 16 KiB', cause: 'HPE_HEADER_OVERFLOW', bytes: get('/api/health/live', `X-Padding: ${'a'.repeat(OVERSIZED)}\r\n`), expect: { status: 431, code: 'headers_too_large' } },
  { name: 'chunk extensions over 16 KiB', cause: 'HPE_CHUNK_EXTENSIONS_OVERFLOW', bytes: post('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n', `2;${'a'.repeat(OVERSIZED)}\r\n{}\r\n0\r\n\r\n`), expect: { status: 413, code: 'payload_too_large' } },
  { name: 'headers that never finish', cause: 'ERR_HTTP_REQUEST_TIMEOUT', bytes: 'GET /api/health/live HTTP/1.1\r\nHost: kvittra.test\r\n', expect: { status: 408, code: 'request_timeout' } },
  { name: 'an unknown method', cause: 'HPE_INVALID_METHOD', bytes: 'FOO /api/health/live HTTP/1.1\r\nHost: kvittra.test\r\n\r\n', expect: { status: 400, code: 'malformed_request' } },
  { name: 'binary garbage', cause: 'HPE_INVALID_METHOD', bytes: Buffer.from([0x00, 0x01, 0x02, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]), expect: { status: 400, code: 'malformed_request' } },
  { name: 'an unknown HTTP version', cause: 'HPE_INVALID_VERSION', bytes: 'GET /api/health/live HTTP/9.9\r\nHost: kvittra.test\r\n\r\n', expect: { status: 400, code: 'malformed_request' } },
  { name: 'the HTTP/2 preface on HTTP/1.1', cause: 'HPE_PAUSED_H2_UPGRADE', bytes: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', expect: { status: 400, code: 'malformed_request' } },
  { name: 'a space inside the URL', cause: 'HPE_INVALID_CONSTANT', bytes: 'GET /api/health /live HTTP/1.1\r\nHost: kvittra.test\r\n\r\n', expect: { status: 400, code: 'malformed_request' } },
  { name: 'a control character in the URL', cause: 'HPE_INVALID_URL', bytes: 'GET /api/\x01health HTTP/1.1\r\nHost: kvittra.test\r\n\r\n', expect: { status: 400, code: 'malformed_request' } },
  { name: 'raw UTF-8 bytes in the URL', cause: 'HPE_INVALID_URL', bytes: Buffer.from('GET /api/v1/feedback-sessions/å HTTP/1.1\r\nHost: kvittra.test\r\n\r\n'), expect: { status: 400, code: 'malformed_request' } },
  { name: 'a header name with a space', cause: 'HPE_INVALID_HEADER_TOKEN', bytes: get('/api/health/live', 'Bad Header: 1\r\n'), expect: { status: 400, code: 'malformed_request' } },
  { name: 'a control character in a header value', cause: 'HPE_INVALID_HEADER_TOKEN', bytes: get('/api/health/live', 'X-A: a\x01b\r\n'), expect: { status: 400, code: 'malformed_request' } },
  { name: 'a Content-Length that is not a number', cause: 'HPE_INVALID_CONTENT_LENGTH', bytes: post('Content-Type: application/json\r\nContent-Length: abc\r\n'), expect: { status: 400, code: 'malformed_request' } },
  { name: 'two different Content-Lengths', cause: 'HPE_UNEXPECTED_CONTENT_LENGTH', bytes: post('Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n', '{}'), expect: { status: 400, code: 'malformed_request' } },
  { name: 'Content-Length with chunked Transfer-Encoding (smuggling)', cause: 'HPE_INVALID_TRANSFER_ENCODING', bytes: post('Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'), expect: { status: 400, code: 'malformed_request' } },
  { name: 'a chunk size that is not hex', cause: 'HPE_INVALID_CHUNK_SIZE', bytes: post('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n'), expect: { status: 400, code: 'malformed_request' } },
  { name: 'a body cut short by the client', cause: 'HPE_INVALID_EOF_STATE', bytes: post('Content-Type: application/json\r\nContent-Length: 10\r\n', '{"a"'), halfClose: true, expect: { status: 400, code: 'malformed_request' } },
  { name: 'a request line cut short by the client', cause: 'HPE_INVALID_EOF_STATE', bytes: 'GET /api/health/li', halfClose: true, expect: { status: 400, code: 'malformed_request' } },

  // Node's server before the request event, and the app's own HTTP/1.1 check.
  { name: 'an Expect other than 100-continue', cause: 'expect', bytes: post('Content-Type: application/json\r\nExpect: teapot\r\nContent-Length: 2\r\n'), expect: { status: 417, code: 'expectation_failed' } },
  { name: 'CONNECT (a proxy tunnel)', cause: 'connect', bytes: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', expect: { status: 405, code: 'method_not_allowed' } },
  { name: 'HTTP/1.1 without Host', cause: undefined, bytes: 'GET /api/health/live HTTP/1.1\r\n\r\n', expect: { status: 400, code: 'malformed_request' } },
];
