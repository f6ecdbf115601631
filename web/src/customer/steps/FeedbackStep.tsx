import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../lib/Button';
import { TextAreaField } from '../../lib/Field';
import { ErrorMessage, Notice } from '../../lib/ErrorMessage';
import { Step } from '../Layout';
import { VoiceRecorder, canRecord, type VoiceRecorderProps } from '../VoiceRecorder';

export interface FeedbackStepProps {
  /** Present when answering one of the assistant's follow-up questions. */
  followUp?: { text: string; remaining: number };
  voiceAvailable: boolean;
  notice?: string;
  transcript?: string;
  error: string | null;
  busy: boolean;
  onText: (text: string) => void;
  onAudio: (audio: Blob, filename: string) => void;
  onFinish?: () => void;
  /** Streaming voice (WebSocket) when the server offers it; otherwise recordings are uploaded. */
  stream?: Pick<VoiceRecorderProps, 'openStream' | 'onStreamAnswer' | 'onStreamError'>;
  /** Reads the follow-up question aloud (server text-to-speech), when offered. */
  onListen?: () => void;
}

const MIN_CHARS = 10;

/** One customer turn: typing always works; voice is offered when the server and the browser can do it. */
export function FeedbackStep({ followUp, voiceAvailable, notice, transcript, error, busy, onText, onAudio, onFinish, stream, onListen }: FeedbackStepProps) {
  const { t } = useTranslation('customer');
  const [text, setText] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim().length < MIN_CHARS) return setTooShort(true);
    setTooShort(false);
    onText(text.trim());
  };
  const voiceHelp = !voiceAvailable ? t('feedback.voiceUnavailable') : !canRecord() ? t('feedback.voiceUnsupported') : null;

  return (
    <Step name={followUp ? 'follow-up' : 'feedback'} title={followUp ? t('followUp.title') : t('feedback.title')} progress={{ n: 3, total: 4 }}>
      {notice ? <Notice testId="step-notice">{notice}</Notice> : null}
      {transcript ? <p className="text-sm italic text-stone-700">{t('feedback.transcript', { text: transcript })}</p> : null}
      {followUp ? (
        <div className="rounded-lg bg-teal-50 p-3">
          <p className="text-sm font-medium text-teal-900">{t('followUp.assistant')}</p>
          <p data-testid="follow-up-question" className="text-lg">
            {followUp.text}
          </p>
          <p className="text-sm text-stone-700">{t('followUp.remaining', { count: followUp.remaining })}</p>
          {onListen ? (
            <Button variant="ghost" className="px-0" onClick={onListen}>
              {t('followUp.listen')}
            </Button>
          ) : null}
        </div>
      ) : (
        <p>{t('feedback.intro')}</p>
      )}
      <form noValidate onSubmit={submit} className="flex flex-col gap-3">
        <TextAreaField label={followUp ? t('followUp.label') : t('feedback.label')} hint={t('feedback.hint')} error={tooShort ? t('feedback.tooShort') : undefined} value={text} onChange={(e) => setText(e.target.value)} name="feedback" maxLength={5000} />
        {busy ? <p role="status">{t('feedback.sending')}</p> : null}
        {error ? <ErrorMessage testId="error">{error}</ErrorMessage> : null}
        <Button type="submit" block busy={busy}>
          {followUp ? t('followUp.answer') : t('feedback.submit')}
        </Button>
        {followUp && onFinish ? (
          <Button variant="secondary" block disabled={busy} onClick={onFinish}>
            {t('followUp.finish')}
          </Button>
        ) : null}
      </form>
      <div className="flex flex-col gap-2 border-t border-stone-200 pt-4">
        <p className="font-medium">{t('feedback.orRecord')}</p>
        {voiceHelp ? (
          <p data-testid="voice-unavailable" className="text-sm text-stone-700">
            {voiceHelp}
          </p>
        ) : (
          <>
            <p data-testid="voice-notice" className="text-sm text-stone-700">
              {t('feedback.voiceNotice')}
            </p>
            <VoiceRecorder disabled={busy} onRecorded={onAudio} {...stream} />
          </>
        )}
      </div>
    </Step>
  );
}
