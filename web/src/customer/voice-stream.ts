import type { TurnAnswer } from './customer-api';

/** Client of `…/voice-stream` (docs/api.md "Voice stream"): MediaRecorder slices in, partial transcripts and one turn out. */
export const VOICE_PROTOCOL = 'kvittra.voice.v1';

export interface StreamHandlers {
  onPartial: (text: string) => void;
  onTurn: (answer: TurnAnswer) => void;
  /** `fatal`: the stream is closed; otherwise the recording is kept and `end` may be sent again. */
  onError: (code: string, fatal: boolean) => void;
}

type ServerFrame =
  | { type: 'ready' | 'final' }
  | { type: 'partial'; text: string }
  | ({ type: 'turn' } & TurnAnswer)
  | { type: 'error'; code: string; fatal: boolean };

export interface VoiceStreamClient {
  send(chunk: Blob): void;
  end(): void;
  cancel(): void;
}

/**
 * Opens the stream. The token travels as a subprotocol (browsers cannot set WebSocket headers, and a
 * token in the URL would land in access logs). Audio slices recorded before the socket opens are queued.
 */
export function openVoiceStream(sessionId: string, token: string, h: StreamHandlers): VoiceStreamClient {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/api/v1/feedback-sessions/${sessionId}/voice-stream`, [VOICE_PROTOCOL, `kvittra.token.${token}`]);
  ws.binaryType = 'arraybuffer';
  const queue: (Blob | string)[] = [];
  let done = false;
  const flush = () => {
    while (queue.length && ws.readyState === WebSocket.OPEN) ws.send(queue.shift()!);
  };
  const push = (item: Blob | string) => {
    queue.push(item);
    flush();
  };
  ws.onopen = flush;
  ws.onmessage = (ev) => {
    if (typeof ev.data !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(ev.data) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'partial') h.onPartial(frame.text);
    else if (frame.type === 'turn') {
      done = true;
      const { type: _type, ...answer } = frame;
      h.onTurn(answer as TurnAnswer);
    } else if (frame.type === 'error') {
      if (frame.fatal) done = true;
      h.onError(frame.code, frame.fatal);
    }
  };
  // A refused upgrade (401/409/503 …) only shows up as a close without a turn.
  ws.onclose = () => {
    if (!done) h.onError('voice_stream_closed', true);
    done = true;
  };
  return {
    send: (chunk) => push(chunk),
    end: () => push(JSON.stringify({ type: 'end' })),
    cancel: () => {
      done = true;
      push(JSON.stringify({ type: 'cancel' }));
      ws.close();
    },
  };
}

/**
 * Plays the assistant's question (GET …/assistant-speech). Decoded with Web Audio rather than an
 * <audio> element on a blob: URL, which the strict CSP (media-src 'self') would block.
 */
export async function playAssistantSpeech(sessionId: string, token: string): Promise<void> {
  const res = await fetch(`/api/v1/feedback-sessions/${sessionId}/assistant-speech`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`assistant-speech ${res.status}`);
  const audio = new AudioContext();
  const buffer = await audio.decodeAudioData(await res.arrayBuffer());
  const source = audio.createBufferSource();
  source.buffer = buffer;
  source.connect(audio.destination);
  source.onended = () => void audio.close();
  source.start();
}
