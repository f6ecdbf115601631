/**
 * Voice over WebSocket and spoken replies (docs/api.md, "Voice stream"):
 *  - GET …/voice-stream upgrades to a WebSocket; binary frames are audio, text frames are JSON
 *    `{type:"end"}` / `{type:"cancel"}`; the server answers ready / partial / final / turn / error.
 *  - GET …/assistant-speech returns the assistant's latest reply as audio (never stored).
 * Every check that can be made before the upgrade is made there, so a refused stream gets an
 * ordinary JSON error response; later failures are an error frame and a 4xxx close code.
 */
import { z } from 'zod';
import websocket from '@fastify/websocket';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { VOICE_STREAM_PROTOCOL, VoiceStream, closeCodeFor, type ServerFrame } from '../voice/stream-session.js';
import { authenticateSession, type SessionRow } from './session-service.js';
import { assertAcceptsFeedback, submitTurn } from './conversation-service.js';
import { transcribeForSession, voiceInput } from './feedback-input.js';
import { speakLatestReply } from './voice-stream-speech.js';

const ZSessionParams = z.object({ sessionId: z.string().max(64) });
/** One WebSocket message; MediaRecorder timeslices are a few kB, a whole short WAV well under this. */
const MAX_FRAME_BYTES = 1024 * 1024;
const TOKEN_PROTOCOL_PREFIX = 'kvittra.token.';

/** What the customer app may offer: upload and stream need a transcriber, speech a speaker. */
export function voiceCapabilities(ctx: AppContext): { upload: boolean; stream: boolean; tts: boolean } {
  const transcribes = ctx.services.transcriber !== null;
  return { upload: transcribes, stream: transcribes, tts: ctx.services.speaker !== null };
}

/**
 * Browsers cannot set headers on a WebSocket, so the session token may also come as a
 * subprotocol `kvittra.token.<token>` (never in the URL: URLs end up in access logs).
 */
export function streamToken(req: Pick<FastifyRequest, 'headers'>): string | undefined {
  const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (auth?.[1]) return auth[1];
  const header = req.headers['x-session-token'];
  if (typeof header === 'string') return header;
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length) || undefined;
}

/** Only ever agree to our protocol name — echoing the token protocol would copy the secret into the response. */
function chooseProtocol(protocols: Set<string>): string | false {
  return protocols.has(VOICE_STREAM_PROTOCOL) ? VOICE_STREAM_PROTOCOL : false;
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

interface Prepared {
  session: SessionRow;
  token: string;
}

export function voiceStreamRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const limits = { maxSeconds: ctx.config.voiceStream.maxSeconds, maxBytes: ctx.config.voiceStream.maxBytes };
  /** Sessions with a live stream: one at a time, or two recordings could race into one turn. */
  const live = new Set<string>();
  const prepared = new WeakMap<IncomingMessage, Prepared>();

  return async (app) => {
    await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES, handleProtocols: chooseProtocol } });

    app.get(
      '/api/v1/feedback-sessions/:sessionId/voice-stream',
      {
        websocket: true,
        schema: { tags: ['customer'], summary: 'Stream voice feedback over a WebSocket (partial transcripts, then one conversation turn)', params: ZSessionParams },
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        onRequest: app.rateLimit({ max: 10, timeWindow: '1 minute', keyGenerator: (req) => `voice-stream:${(req.params as { sessionId?: string }).sessionId ?? ''}` }),
        preHandler: async (req) => {
          const { sessionId } = req.params as { sessionId: string };
          const token = streamToken(req);
          const session = await authenticateSession(ctx.db, sessionId, token);
          assertAcceptsFeedback(session);
          if (!ctx.services.transcriber) throw new AppError('voice_unavailable');
          if (!req.ws) throw new AppError('websocket_required');
          if (live.has(session.id)) throw new AppError('session_state', 'A recording is already streaming for this session.');
          prepared.set(req.raw, { session, token: token! });
        },
      },
      (socket, req) => {
        const p = prepared.get(req.raw);
        if (!p || live.has(p.session.id)) {
          // Two upgrades raced past the pre-upgrade check: the later one loses.
          sendFrame(socket, { type: 'error', code: 'session_state', message: 'A recording is already streaming for this session.', retryable: false, fatal: true });
          return socket.close(closeCodeFor('session_state'), 'session_state');
        }
        runStream(ctx, socket, req, p, limits, live);
      },
    );

    app.get(
      '/api/v1/feedback-sessions/:sessionId/assistant-speech',
      { schema: { tags: ['customer'], summary: "The assistant's latest question as audio (not stored)", params: ZSessionParams }, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
      async (req, reply) => {
        const session = await authenticateSession(ctx.db, req.params.sessionId, streamToken(req));
        const speech = await speakLatestReply(ctx, session);
        return reply.header('cache-control', 'no-store').type(speech.contentType).send(speech.bytes);
      },
    );
  };
}

function sendFrame(socket: WebSocket, frame: ServerFrame): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

function runStream(ctx: AppContext, socket: WebSocket, req: FastifyRequest, p: Prepared, limits: { maxSeconds: number; maxBytes: number }, live: Set<string>): void {
  live.add(p.session.id);
  const openSession = async () => {
    const session = await authenticateSession(ctx.db, p.session.id, p.token);
    assertAcceptsFeedback(session);
    return session;
  };
  const stream = new VoiceStream({
    limits,
    // Re-read the session before audio leaves the server: the conversation may have been finished over HTTP
    // (or the session expired) while recording, and then nothing may be sent to the transcription provider.
    transcribe: async (audio, purpose, signal) => {
      const session = await openSession();
      return transcribeForSession(ctx, session, audio, { signal, maxBytes: limits.maxBytes, observeMetric: purpose === 'final' });
    },
    runTurn: async (transcript, finish) => {
      const session = await openSession();
      return submitTurn(ctx, session, voiceInput(transcript, finish)).catch((err: unknown) => {
        if (!(err instanceof AppError)) req.log.error({ err }, 'voice stream turn failed');
        throw err;
      });
    },
    send: (frame) => sendFrame(socket, frame),
    close: (code, reason) => socket.close(code, reason),
    // The code only: a provider's message could quote what the customer said.
    onIgnoredError: (_purpose, err) => req.log.debug({ code: err instanceof AppError ? err.code : 'unexpected' }, 'partial transcription skipped'),
  });
  const timer = setInterval(() => stream.tick(), ctx.config.voiceStream.partialIntervalMs);
  socket.on('message', (data, isBinary) => (isBinary ? stream.onAudio(asBuffer(data)) : stream.onText(asBuffer(data).toString('utf8'))));
  socket.on('close', () => {
    clearInterval(timer);
    stream.dispose();
    live.delete(p.session.id);
  });
  stream.start();
}
