/**
 * The assistant's latest reply (its follow-up question) read aloud. Generated on request and sent
 * straight back — never stored. The voice follows the language the question is written in, so a
 * Swedish question is never read with an English voice; when that cannot be told, the session's locale.
 */
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { detectLanguage } from '../scoring/language.js';
import { MAX_SPEECH_CHARS, SpeechError, type SpeechAudio, type SpeechLanguage } from '../voice/speaker.js';
import type { SessionRow } from './session-service.js';

export function speechLanguage(text: string, locale: string): SpeechLanguage {
  const detected = detectLanguage(text);
  if (detected === 'sv' || detected === 'en') return detected;
  return locale === 'en' ? 'en' : 'sv';
}

async function latestAssistantReply(ctx: AppContext, sessionId: string): Promise<string | null> {
  const row = await ctx.db.kysely
    .selectFrom('feedback_turns')
    .select('text')
    .where('session_id', '=', sessionId)
    .where('role', '=', 'assistant')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.text ?? null;
}

export async function speakLatestReply(ctx: AppContext, session: SessionRow, signal?: AbortSignal): Promise<SpeechAudio> {
  const speaker = ctx.services.speaker;
  if (!speaker) throw new AppError('tts_unavailable');
  const text = await latestAssistantReply(ctx, session.id);
  if (text === null) throw new AppError('not_found', 'The assistant has not asked anything in this session yet.');
  try {
    return await speaker.synthesize(text.slice(0, MAX_SPEECH_CHARS), { language: speechLanguage(text, session.locale), signal });
  } catch (err) {
    if (err instanceof SpeechError) {
      ctx.log.warn({ provider: speaker.name, reason: err.message }, 'speech synthesis failed');
      throw new AppError('tts_failed', undefined, { retryable: err.retryable });
    }
    throw err;
  }
}
