import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify, { errorCodes } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { ERRORS } from '../../src/core/errors.js';
import { FASTIFY_CODES, frameworkErrorHandler } from '../../src/http/error-handler.js';
import { CLIENT_ERROR_CODES, clientErrorHandler } from '../../src/http/client-errors.js';
import { MALFORMED_REQUESTS } from '../helpers/malformed-requests.js';

/**
 * Every Fastify error code is either reachable by a client — then FASTIFY_CODES maps it and
 * MALFORMED_REQUESTS holds a request that causes it (sent over HTTP by
 * test/integration/framework-errors.test.ts) — or listed here with the reason no request can cause it.
 * A Fastify upgrade that adds a code fails this test until the code is classified.
 */
const BUILD_TIME = 'raised while the app is assembled (options, plugins, decorators, hooks, routes, schemas, parsers, listen, close), before a client can connect';
const OUR_BUG = 'raised when our own handler, hook or serializer misuses the reply: a fault of ours, answered as 500 internal_error and logged';
const NOT_CLIENT_REACHABLE: Record<string, string> = {
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "Node's parser (llhttp) ends a body exactly at Content-Length or rejects the request (HPE_*), so Fastify never sees a mismatch; still mapped to malformed_request should a parser let one through",
  FST_ERR_NOT_FOUND: "sent only by Fastify's default not-found handler, which installErrorHandling replaces (route_not_found)",
  FST_ERR_ROUTE_MISSING_CONTENT: 'no longer thrown by Fastify (exported until v6)',
  FST_ERR_ASYNC_CONSTRAINT: 'needs an asynchronous route constraint; the app registers none (if one is added, frameworkErrors answers 500 internal_error — tested below)',
  FST_ERR_HANDLER_TIMEOUT: 'needs the handlerTimeout option; neither the server nor any route sets it',
  FST_ERR_HOOK_TIMEOUT: 'a hook of ours that never calls done (or a plugin that never loads): our bug or a start-up failure',
  FST_ERR_INVALID_URL: 'a route registered with a non-string URL: ' + BUILD_TIME,
  FST_ERR_CTP_INSTANCE_ALREADY_STARTED: 'a content-type parser added after start: ' + BUILD_TIME,
  ...Object.fromEntries(
    [
      'FST_ERR_OPTIONS_NOT_OBJ', 'FST_ERR_QSP_NOT_FN', 'FST_ERR_SCHEMA_CONTROLLER_BUCKET_OPT_NOT_FN', 'FST_ERR_SCHEMA_ERROR_FORMATTER_NOT_FN',
      'FST_ERR_AJV_CUSTOM_OPTIONS_OPT_NOT_OBJ', 'FST_ERR_AJV_CUSTOM_OPTIONS_OPT_NOT_ARR', 'FST_ERR_CTP_ALREADY_PRESENT', 'FST_ERR_CTP_INVALID_TYPE',
      'FST_ERR_CTP_EMPTY_TYPE', 'FST_ERR_CTP_INVALID_HANDLER', 'FST_ERR_CTP_INVALID_PARSE_TYPE', 'FST_ERR_DEC_ALREADY_PRESENT',
      'FST_ERR_DEC_DEPENDENCY_INVALID_TYPE', 'FST_ERR_DEC_MISSING_DEPENDENCY', 'FST_ERR_DEC_AFTER_START', 'FST_ERR_DEC_REFERENCE_TYPE',
      'FST_ERR_DEC_UNDECLARED', 'FST_ERR_HOOK_INVALID_TYPE', 'FST_ERR_HOOK_INVALID_HANDLER', 'FST_ERR_HOOK_INVALID_ASYNC_HANDLER',
      'FST_ERR_HOOK_NOT_SUPPORTED', 'FST_ERR_MISSING_MIDDLEWARE', 'FST_ERR_LOG_INVALID_DESTINATION', 'FST_ERR_LOG_INVALID_LOGGER',
      'FST_ERR_LOG_INVALID_LOGGER_INSTANCE', 'FST_ERR_LOG_INVALID_LOGGER_CONFIG', 'FST_ERR_LOG_LOGGER_AND_LOGGER_INSTANCE_PROVIDED', 'FST_ERR_LOG_INVALID_LOG_CONTROLLER',
      'FST_ERR_SCH_MISSING_ID', 'FST_ERR_SCH_ALREADY_PRESENT', 'FST_ERR_SCH_CONTENT_MISSING_SCHEMA', 'FST_ERR_SCH_DUPLICATE',
      'FST_ERR_SCH_VALIDATION_BUILD', 'FST_ERR_SCH_SERIALIZATION_BUILD', 'FST_ERR_SCH_RESPONSE_SCHEMA_NOT_NESTED_2XX', 'FST_ERR_INIT_OPTS_INVALID',
      'FST_ERR_FORCE_CLOSE_CONNECTIONS_IDLE_NOT_AVAILABLE', 'FST_ERR_DUPLICATED_ROUTE', 'FST_ERR_ROUTE_OPTIONS_NOT_OBJ', 'FST_ERR_ROUTE_DUPLICATED_HANDLER',
      'FST_ERR_ROUTE_HANDLER_NOT_FN', 'FST_ERR_ROUTE_MISSING_HANDLER', 'FST_ERR_ROUTE_METHOD_INVALID', 'FST_ERR_ROUTE_METHOD_NOT_SUPPORTED',
      'FST_ERR_ROUTE_BODY_VALIDATION_SCHEMA_NOT_SUPPORTED', 'FST_ERR_ROUTE_BODY_LIMIT_OPTION_NOT_INT', 'FST_ERR_ROUTE_HANDLER_TIMEOUT_OPTION_NOT_INT', 'FST_ERR_ROUTE_REWRITE_NOT_STR',
      'FST_ERR_ROUTE_LOG_LEVEL_INVALID', 'FST_ERR_REOPENED_CLOSE_SERVER', 'FST_ERR_REOPENED_SERVER', 'FST_ERR_INSTANCE_ALREADY_LISTENING',
      'FST_ERR_PLUGIN_VERSION_MISMATCH', 'FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE', 'FST_ERR_PLUGIN_INVALID_ASYNC_HANDLER', 'FST_ERR_PLUGIN_CALLBACK_NOT_FN',
      'FST_ERR_PLUGIN_NOT_VALID', 'FST_ERR_ROOT_PLG_BOOTED', 'FST_ERR_PARENT_PLUGIN_BOOTED', 'FST_ERR_PLUGIN_TIMEOUT',
      'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED', 'FST_ERR_LISTEN_OPTIONS_INVALID', 'FST_ERR_ERROR_HANDLER_NOT_FN', 'FST_ERR_ERROR_HANDLER_ALREADY_SET',
    ].map((code) => [code, BUILD_TIME]),
  ),
  ...Object.fromEntries(
    [
      'FST_ERR_REP_INVALID_PAYLOAD_TYPE', 'FST_ERR_REP_RESPONSE_BODY_CONSUMED', 'FST_ERR_REP_READABLE_STREAM_LOCKED', 'FST_ERR_REP_ALREADY_SENT',
      'FST_ERR_REP_SENT_VALUE', 'FST_ERR_SEND_INSIDE_ONERR', 'FST_ERR_SEND_UNDEFINED_ERR', 'FST_ERR_BAD_STATUS_CODE',
      'FST_ERR_BAD_TRAILER_NAME', 'FST_ERR_BAD_TRAILER_VALUE', 'FST_ERR_FAILED_ERROR_SERIALIZATION', 'FST_ERR_MISSING_SERIALIZATION_FN',
      'FST_ERR_MISSING_CONTENTTYPE_SERIALIZATION_FN', 'FST_ERR_REQ_INVALID_VALIDATION_INVOCATION',
    ].map((code) => [code, OUR_BUG]),
  ),
};

/** HPE_* codes (Node's parser) other than those with a code of their own: all answered malformed_request. */
const isParserError = (cause: string | undefined) => cause?.startsWith('HPE_') === true && !(cause in CLIENT_ERROR_CODES);

describe("Fastify's error catalogue, classified", () => {
  const fastifyCodes = Object.keys(errorCodes);

  it('classifies every code Fastify has: mapped into ours, or not reachable by a client with a reason', () => {
    expect(fastifyCodes.length).toBeGreaterThan(50);
    const unclassified = fastifyCodes.filter((code) => !(code in FASTIFY_CODES) && !(code in NOT_CLIENT_REACHABLE));
    expect(unclassified, 'classify these in FASTIFY_CODES (src/http/error-handler.ts) or NOT_CLIENT_REACHABLE').toEqual([]);
  });

  it('names no code Fastify does not have', () => {
    expect(Object.keys(FASTIFY_CODES).filter((code) => !fastifyCodes.includes(code))).toEqual([]);
    expect(Object.keys(NOT_CLIENT_REACHABLE).filter((code) => !fastifyCodes.includes(code))).toEqual([]);
  });

  it('maps every client-reachable code and sends a request for it that expects the mapped answer', () => {
    const reachable = Object.keys(FASTIFY_CODES).filter((code) => !(code in NOT_CLIENT_REACHABLE));
    expect(reachable).toContain('FST_ERR_BAD_URL');
    for (const code of reachable) {
      const requests = MALFORMED_REQUESTS.filter((r) => r.cause === code);
      expect(requests.length, `no request in test/helpers/malformed-requests.ts causes ${code}`).toBeGreaterThan(0);
      for (const r of requests) expect({ [r.name]: r.expect }).toEqual({ [r.name]: { status: ERRORS[FASTIFY_CODES[code]!].status, code: FASTIFY_CODES[code] } });
    }
  });

  it('names only Fastify codes and mapped Node codes as causes of the test requests', () => {
    const known = (cause: string | undefined) => cause === undefined || cause === 'expect' || cause === 'connect' || cause in FASTIFY_CODES || cause in CLIENT_ERROR_CODES || isParserError(cause);
    expect(MALFORMED_REQUESTS.filter((r) => !known(r.cause)).map((r) => r.name)).toEqual([]);
  });
});

describe("Node's clientError codes, classified", () => {
  it('sends a request for every Node code with an answer of its own', () => {
    for (const [cause, code] of Object.entries(CLIENT_ERROR_CODES)) {
      const requests = MALFORMED_REQUESTS.filter((r) => r.cause === cause);
      expect(requests.length, `no request causes ${cause}`).toBeGreaterThan(0);
      for (const r of requests) expect(r.expect.code).toBe(code);
    }
  });

  it('answers every other parser error as malformed_request, tried with a spread of them', () => {
    const parserCases = MALFORMED_REQUESTS.filter((r) => isParserError(r.cause));
    for (const r of parserCases) expect({ [r.name]: r.expect }).toEqual({ [r.name]: { status: 400, code: 'malformed_request' } });
    const distinct = new Set(parserCases.map((r) => r.cause));
    for (const cause of ['HPE_INVALID_METHOD', 'HPE_INVALID_VERSION', 'HPE_INVALID_URL', 'HPE_INVALID_HEADER_TOKEN', 'HPE_INVALID_CONTENT_LENGTH', 'HPE_UNEXPECTED_CONTENT_LENGTH', 'HPE_INVALID_TRANSFER_ENCODING', 'HPE_INVALID_CHUNK_SIZE', 'HPE_INVALID_EOF_STATE']) {
      expect(distinct).toContain(cause);
    }
  });
});

describe('answers that must not be written', () => {
  const silent = createLogger('silent');

  it('never writes into a response that has already started on the socket', async () => {
    let started!: () => void;
    const responseStarted = new Promise<void>((r) => (started = r));
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => started());
    });
    server.on('clientError', clientErrorHandler(silent, {}));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await responseStarted;
    // A second, malformed request on the same connection while the first response is half-way.
    socket.write('FOO / HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed;
    await new Promise<void>((r) => server.close(() => r()));
    expect(received).toContain('HTTP/1.1 200 OK');
    expect(received).toContain('partial');
    expect(received).not.toContain('malformed_request');
    expect(received.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });

  it('leaves a destroyed socket alone', () => {
    const socket = new net.Socket();
    socket.destroy();
    const write = vi.spyOn(socket, 'write');
    clientErrorHandler(silent, {})(Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_METHOD' }), socket);
    expect(write).not.toHaveBeenCalled();
  });
});

describe('frameworkErrors for an error no mapping covers', () => {
  it('answers a failing asynchronous route constraint as 500 internal_error, in the catalogue shape', async () => {
    const app = Fastify({ frameworkErrors: frameworkErrorHandler({ 'x-content-type-options': 'nosniff' }) });
    app.addConstraintStrategy({
      name: 'tenant',
      storage: () => {
        const handlers = new Map<string, unknown>();
        return { get: (v: string) => handlers.get(v) ?? null, set: (v: string, h: unknown) => void handlers.set(v, h) } as never;
      },
      deriveConstraint: (_req: unknown, _ctx: unknown, done: (err: Error | null, value?: string) => void) => done(new Error('constraint store unavailable')),
      mustMatchWhenDerived: true,
    } as never);
    app.get('/', { constraints: { tenant: 'a' } }, async () => 'ok');
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(url);
      expect(res.status).toBe(500);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.json()).toEqual({ error: { code: 'internal_error', message: ERRORS.internal_error.message, details: null } });
    } finally {
      await app.close();
    }
  });
});
