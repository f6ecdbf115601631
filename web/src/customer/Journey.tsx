import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api';
import { Loading } from '../lib/Loading';
import { fetchConsent, lookupLocation, sessionClient, startSession, type By, type Completed, type Consent, type PublicLocation, type SessionClient, type TurnAnswer } from './customer-api';
import { errorCode, errorText, isFatal } from './errors';
import { openVoiceStream, playAssistantSpeech } from './voice-stream';
import { StoreCodeStep } from './steps/StoreCodeStep';
import { ShopStep } from './steps/ShopStep';
import { ConsentStep } from './steps/ConsentStep';
import { PurchaseStep, type PurchaseInput } from './steps/PurchaseStep';
import { PendingStep } from './steps/PendingStep';
import { FeedbackStep } from './steps/FeedbackStep';
import { ResultStep } from './steps/ResultStep';
import { PayoutStep } from './steps/PayoutStep';
import { ThanksStep } from './steps/ThanksStep';
import { FatalStep } from './steps/FatalStep';

type StepState =
  | { kind: 'code' }
  | { kind: 'loading' }
  | { kind: 'shop' }
  | { kind: 'consent' }
  | { kind: 'purchase' }
  | { kind: 'pending'; deadlineAt: string }
  | { kind: 'feedback'; notice?: string }
  | { kind: 'followUp'; text: string; remaining: number; transcript?: string }
  | { kind: 'result'; result: Completed }
  | { kind: 'payout'; result: Completed }
  | { kind: 'thanks'; paid: { amountMinor: number; phone: string } | null }
  | { kind: 'fatal'; message: string };

interface Ctx {
  by: By;
  location: PublicLocation;
  consent: Consent | null;
  client?: SessionClient;
  channel?: 'qr' | 'store_code';
}

/**
 * The whole customer journey as one small state machine: shop → consent → purchase (verify, or a
 * store-code claim pending the shop's check) → feedback turns → result → Swish number → thanks.
 * Each API error is shown on the step that caused it; session-ending errors lead to a restart.
 */
export function Journey({ initialBy, initialCode = '' }: { initialBy: By | null; initialCode?: string }) {
  const { t, i18n } = useTranslation('customer');
  const [step, setStep] = useState<StepState>(initialBy ? { kind: 'loading' } : { kind: 'code' });
  const [ctx, setCtx] = useState<Ctx | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [needsLast4, setNeedsLast4] = useState(false);
  const [offerReport, setOfferReport] = useState(false);

  const go = (next: StepState) => {
    setError(null);
    setStep(next);
  };

  /** Runs one API call for the current step: busy while it runs, its error shown on the step. */
  const run = async (call: () => Promise<void>, onError?: (err: unknown) => boolean) => {
    setBusy(true);
    setError(null);
    try {
      await call();
    } catch (err) {
      if (onError?.(err)) return;
      if (isFatal(err)) go({ kind: 'fatal', message: errorText(t, err) });
      else setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const load = useCallback(
    async (by: By, fromCodeStep: boolean) => {
      setBusy(true);
      setError(null);
      try {
        const [location, consent] = await Promise.all([lookupLocation(by), fetchConsent()]);
        setCtx({ by, location, consent });
        setStep({ kind: 'shop' });
      } catch (err) {
        const message = errorText(t, err);
        if (fromCodeStep) setError(message);
        else setStep({ kind: 'fatal', message });
      } finally {
        setBusy(false);
      }
    },
    [t],
  );

  useEffect(() => {
    if (initialBy) void load(initialBy, false);
  }, [initialBy, load]);

  const restart = () => {
    setCtx(null);
    setNeedsLast4(false);
    setOfferReport(false);
    if (initialBy) {
      go({ kind: 'loading' });
      void load(initialBy, false);
    } else go({ kind: 'code' });
  };

  const acceptConsent = (c: Ctx) =>
    run(
      async () => {
        const session = await startSession(c.by, i18n.language === 'en' ? 'en' : 'sv', c.consent);
        setCtx({ ...c, client: sessionClient(session), channel: session.channel });
        go({ kind: 'purchase' });
      },
      (err) => {
        // The consent text changed while the customer was reading: show the new one.
        if (errorCode(err) !== 'consent_required') return false;
        void fetchConsent().then((consent) => setCtx({ ...c, consent }));
        setError(errorText(t, err));
        return true;
      },
    );

  const submitPurchase = (c: Ctx, input: PurchaseInput) =>
    run(
      async () => {
        if (c.channel === 'store_code') {
          const claim = await c.client!.claim({ amount: input.amount, purchasedAt: input.time, phone: input.phone ?? '' });
          go({ kind: 'pending', deadlineAt: claim.deadlineAt });
        } else {
          await c.client!.verify({ amount: input.amount, purchasedAt: input.time, ...(input.cardLast4 ? { cardLast4: input.cardLast4 } : {}) });
          go({ kind: 'feedback', notice: t('purchase.verified') });
        }
      },
      (err) => {
        // Asked only when the POS sent card digits for a purchase in range; "no purchase" may mean someone
        // else already used it, so the customer is offered the shop's own check (store code) as a way on.
        if (errorCode(err) === 'card_last4_required') setNeedsLast4(true);
        setOfferReport(errorCode(err) === 'no_matching_purchase');
        return false;
      },
    );

  const onAnswer = (answer: TurnAnswer) => {
    if (answer.status === 'follow_up') go({ kind: 'followUp', text: answer.followUp.text, remaining: answer.followUp.remaining, transcript: answer.transcript?.text });
    else go({ kind: 'result', result: answer });
  };

  if (step.kind === 'code') return <StoreCodeStep initial={initialCode} error={error} busy={busy} onSubmit={(storeCode) => void load({ storeCode }, true)} />;
  if (step.kind === 'fatal') return <FatalStep message={step.message} onRestart={restart} />;
  if (step.kind === 'loading' || !ctx) return <Loading />;
  const client = ctx.client;

  switch (step.kind) {
    case 'shop':
      return <ShopStep location={ctx.location} onStart={() => go({ kind: 'consent' })} />;
    case 'consent':
      return <ConsentStep consent={ctx.consent} error={error} busy={busy} onAccept={() => void acceptConsent(ctx)} />;
    case 'purchase':
      return <PurchaseStep storeCode={ctx.channel === 'store_code'} needsLast4={needsLast4} offerReport={offerReport && error !== null} error={error} busy={busy} onSubmit={(input) => void submitPurchase(ctx, input)} />;
    case 'pending':
      return <PendingStep deadlineAt={step.deadlineAt} onContinue={() => go({ kind: 'feedback' })} />;
    case 'feedback':
    case 'followUp': {
      const followUp = step.kind === 'followUp' ? { text: step.text, remaining: step.remaining } : undefined;
      const voice = ctx.location.voice ?? { upload: ctx.location.voiceAvailable, stream: false, tts: false };
      const streamError = (code: string) => (code === 'session_expired' ? go({ kind: 'fatal', message: errorText(t, new ApiError(410, code, '')) }) : setError(errorText(t, new ApiError(0, code, ''))));
      const stream = voice.stream && client ? { openStream: (h: Parameters<typeof openVoiceStream>[2]) => openVoiceStream(client.sessionId, client.token, h), onStreamAnswer: onAnswer, onStreamError: streamError } : undefined;
      const listen = voice.tts && followUp && client ? () => void playAssistantSpeech(client.sessionId, client.token).catch(() => setError(t('errors.tts_failed'))) : undefined;
      return (
        <FeedbackStep
          key={followUp?.text ?? 'first'}
          followUp={followUp}
          voiceAvailable={voice.upload || voice.stream}
          stream={stream}
          onListen={listen}
          notice={step.kind === 'feedback' ? step.notice : undefined}
          transcript={step.kind === 'followUp' ? step.transcript : undefined}
          error={error}
          busy={busy}
          onText={(text) => void run(async () => onAnswer(await client!.sendText(text)))}
          onAudio={(audio, name) => void run(async () => onAnswer(await client!.sendAudio(audio, name)))}
          onFinish={() => void run(async () => onAnswer(await client!.finish()))}
        />
      );
    }
    case 'result': {
      const needsPhone = ctx.channel !== 'store_code' && step.result.reward.amountMinor > 0 && !step.result.payoutRegistered && ['awaiting_phone', 'held'].includes(step.result.reward.status);
      return <ResultStep result={step.result} needsPhone={needsPhone} onContinue={() => go(needsPhone ? { kind: 'payout', result: step.result } : { kind: 'thanks', paid: null })} />;
    }
    case 'payout':
      return (
        <PayoutStep
          error={error}
          busy={busy}
          onSubmit={(phone) =>
            void run(async () => {
              const res = await client!.payout(phone);
              go({ kind: 'thanks', paid: { amountMinor: res.reward.amountMinor, phone: res.phone } });
            })
          }
        />
      );
    case 'thanks':
      return <ThanksStep paid={step.paid} onAgain={restart} />;
  }
}

