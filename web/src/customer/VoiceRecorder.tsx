import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../lib/Button';
import type { TurnAnswer } from './customer-api';
import type { StreamHandlers, VoiceStreamClient } from './voice-stream';

const MAX_SECONDS = 5 * 60; // the server refuses longer recordings (413 audio_too_long)
const TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];

function pickType(): string | undefined {
  return TYPES.find((type) => MediaRecorder.isTypeSupported(type));
}

function extensionFor(type: string): string {
  if (type.includes('ogg')) return 'ogg';
  if (type.includes('mp4')) return 'm4a';
  return 'webm';
}

export function canRecord(): boolean {
  return typeof window !== 'undefined' && 'MediaRecorder' in window && !!navigator.mediaDevices?.getUserMedia;
}

/**
 * Records one answer with MediaRecorder and hands the blob over for upload. The audio lives only in
 * memory here; the microphone is released as soon as recording stops (or the step goes away).
 */
export interface VoiceRecorderProps {
  disabled: boolean;
  /** Upload path: the whole recording once it stops. */
  onRecorded: (audio: Blob, filename: string) => void;
  /** Stream path (when the server offers it): slices go over a WebSocket, partial transcripts come back. */
  openStream?: (handlers: StreamHandlers) => VoiceStreamClient;
  onStreamAnswer?: (answer: TurnAnswer) => void;
  onStreamError?: (code: string) => void;
}

export function VoiceRecorder({ disabled, onRecorded, openStream, onStreamAnswer, onStreamError }: VoiceRecorderProps) {
  const { t } = useTranslation('customer');
  const [recording, setRecording] = useState(false);
  const [seconds, setSeconds] = useState(0);
  const [denied, setDenied] = useState(false);
  const recorder = useRef<MediaRecorder | null>(null);
  const chunks = useRef<Blob[]>([]);
  const cancelled = useRef(false);
  const live = useRef<VoiceStreamClient | null>(null);
  const [partial, setPartial] = useState('');
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    if (!recording) return;
    const timer = window.setInterval(() => setSeconds((s) => s + 1), 1000);
    return () => window.clearInterval(timer);
  }, [recording]);

  useEffect(() => {
    if (seconds >= MAX_SECONDS) recorder.current?.stop();
  }, [seconds]);

  useEffect(() => () => stopTracks(recorder.current), []);

  const start = async () => {
    setDenied(false);
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      setDenied(true);
      return;
    }
    const type = pickType();
    const rec = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    chunks.current = [];
    cancelled.current = false;
    setPartial('');
    live.current = openStream
      ? openStream({
          onPartial: setPartial,
          onTurn: (answer) => {
            setWaiting(false);
            onStreamAnswer?.(answer);
          },
          onError: (code, fatal) => {
            if (fatal) setWaiting(false);
            onStreamError?.(code);
          },
        })
      : null;
    rec.ondataavailable = (e) => {
      if (e.data.size === 0) return;
      if (live.current) live.current.send(e.data);
      else chunks.current.push(e.data);
    };
    rec.onstop = () => {
      stopTracks(rec);
      setRecording(false);
      if (live.current) {
        if (cancelled.current) live.current.cancel();
        else {
          live.current.end();
          setWaiting(true);
        }
        live.current = null;
        return;
      }
      if (cancelled.current || chunks.current.length === 0) return;
      const mime = rec.mimeType || type || 'audio/webm';
      onRecorded(new Blob(chunks.current, { type: mime.split(';')[0] }), `feedback.${extensionFor(mime)}`);
      chunks.current = [];
    };
    recorder.current = rec;
    rec.start(live.current ? 1000 : undefined); // one-second slices feed the partial transcripts
    setSeconds(0);
    setRecording(true);
  };

  const stop = (cancel: boolean) => {
    cancelled.current = cancel;
    recorder.current?.stop();
  };

  return (
    <div className="flex flex-col gap-2">
      {recording ? (
        <>
          <p role="status" className="font-medium text-red-800">
            {t('feedback.recording', { seconds })}
          </p>
          <div className="flex gap-2">
            <Button onClick={() => stop(false)}>{t('feedback.stop')}</Button>
            <Button variant="ghost" onClick={() => stop(true)}>
              {t('feedback.cancel')}
            </Button>
          </div>
        </>
      ) : (
        <Button variant="secondary" disabled={disabled || waiting} onClick={() => void start()}>
          {t('feedback.record')}
        </Button>
      )}
      {partial ? (
        <p data-testid="voice-partial" aria-live="polite" className="text-sm italic text-stone-700">
          {t('feedback.partial', { text: partial })}
        </p>
      ) : null}
      {waiting ? <p role="status">{t('feedback.transcribing')}</p> : null}
      {denied ? (
        <p role="alert" className="text-sm text-red-700">
          {t('feedback.micDenied')}
        </p>
      ) : null}
    </div>
  );
}

function stopTracks(rec: MediaRecorder | null) {
  rec?.stream.getTracks().forEach((track) => track.stop());
}
