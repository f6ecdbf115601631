import { z } from 'zod';
import { analyzeFeedback, type FeedbackAnalysis } from './analyze.js';
import { breakdownOf, capBreakdown, CAPS, clampBreakdown, computeScore } from './breakdown.js';
import { resultFromAnalysis } from './embedded-scorer.js';
import { planFollowUp } from './follow-up.js';
import { detectInjection } from './injection.js';
import {
  buildFollowUpMessages,
  buildScoringMessages,
  FOLLOW_UP_RESPONSE_SCHEMA,
  SCORING_RESPONSE_SCHEMA,
  type ChatMessage,
} from './prompt.js';
import { labelFor } from './sentiment.js';
import {
  FEEDBACK_CATEGORIES,
  ScoringUnavailableError,
  type FeedbackCategory,
  type FollowUpGenerator,
  type FollowUpInput,
  type FollowUpQuestion,
  type ScoreBreakdown,
  type ScoreInput,
  type ScoreResult,
  type Scorer,
  type SentimentLabel,
} from './types.js';

export const DEFAULT_OLLAMA_MODEL = 'qwen2:0.5b';
export const DEFAULT_OLLAMA_TIMEOUT_MS = 15_000;

export interface OllamaOptions {
  endpoint: string;
  model?: string;
  timeoutMs?: number;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

interface ResolvedOptions {
  endpoint: string;
  model: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

function resolve(options: OllamaOptions): ResolvedOptions {
  return {
    endpoint: options.endpoint.replace(/\/+$/, ''),
    model: options.model ?? DEFAULT_OLLAMA_MODEL,
    timeoutMs: options.timeoutMs ?? DEFAULT_OLLAMA_TIMEOUT_MS,
    fetch: options.fetch ?? fetch,
  };
}

const ZChatResponse = z.object({ message: z.object({ content: z.string() }) });

const ZModelScore = z.object({
  authenticity: z.number(),
  concreteness: z.number(),
  depth: z.number(),
  sentiment: z.number(),
  categories: z.array(z.string()).max(20),
  answeredQuestionIds: z.array(z.string()).max(50).optional(),
});
type TModelScore = z.infer<typeof ZModelScore>;

const ZFollowUp = z.object({ question: z.string().max(300).nullable() });

/** One non-streaming /api/chat call with structured output; every failure is ScoringUnavailableError. */
async function chatJson(opts: ResolvedOptions, messages: ChatMessage[], format: object): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const res = await opts.fetch(`${opts.endpoint}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: opts.model, stream: false, format, messages, options: { temperature: 0, seed: 42 } }),
      signal: controller.signal,
    });
    if (!res.ok) throw new ScoringUnavailableError(`Ollama answered HTTP ${res.status}`);
    const envelope = ZChatResponse.safeParse(await res.json());
    if (!envelope.success) throw new ScoringUnavailableError('Ollama response has no message content');
    return JSON.parse(envelope.data.message.content) as unknown;
  } catch (err) {
    if (err instanceof ScoringUnavailableError) throw err;
    const reason = controller.signal.aborted ? `timed out after ${opts.timeoutMs} ms` : 'failed';
    throw new ScoringUnavailableError(`Ollama request ${reason}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

function validCategories(names: string[], fallback: FeedbackCategory[]): FeedbackCategory[] {
  const known = new Set<string>(FEEDBACK_CATEGORIES);
  const picked = [...new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => known.has(n)))] as FeedbackCategory[];
  return picked.length > 0 ? picked : fallback;
}

function sentimentOf(value: number, embedded: SentimentLabel): { value: number; label: SentimentLabel } {
  const v = Math.round(Math.max(-1, Math.min(1, Number.isFinite(value) ? value : 0)) * 100) / 100;
  if (embedded === 'mixed' && Math.abs(v) < 0.5) return { value: v, label: 'mixed' };
  return { value: v, label: labelFor(v, 0, 0) };
}

/**
 * Deterministic guards on a model breakdown: gibberish and spam never pay, and when the
 * embedded detector sees an injection attempt the lower of the two results wins.
 */
export function guardBreakdown(model: ScoreBreakdown, analysis: FeedbackAnalysis): ScoreBreakdown {
  let out = model;
  if (analysis.gibberish) out = capBreakdown(out, CAPS.gibberish);
  if (analysis.spam.isSpam) out = capBreakdown(out, CAPS.spam);
  if (analysis.injection.detected) {
    const embedded = breakdownOf(analysis);
    if (computeScore(embedded) < computeScore(out)) out = embedded;
  }
  return out;
}

/** LLM scorer on Ollama. Never trusts a model total: the score is recomputed from the clamped breakdown. */
export class OllamaScorer implements Scorer {
  readonly name = 'ollama';
  private readonly opts: ResolvedOptions;

  constructor(options: OllamaOptions) {
    this.opts = resolve(options);
  }

  async score(input: ScoreInput): Promise<ScoreResult> {
    const analysis = analyzeFeedback(input.turns, input.context);
    const raw = await chatJson(this.opts, buildScoringMessages(input), SCORING_RESPONSE_SCHEMA);
    const parsed = ZModelScore.safeParse(raw);
    if (!parsed.success) throw new ScoringUnavailableError('Ollama returned JSON that does not match the scoring schema');
    return this.toResult(parsed.data, analysis, input);
  }

  private toResult(m: TModelScore, analysis: FeedbackAnalysis, input: ScoreInput): ScoreResult {
    const breakdown = guardBreakdown(clampBreakdown(m), analysis);
    const base = resultFromAnalysis(analysis, breakdown);
    const sentiment = sentimentOf(m.sentiment, analysis.sentiment.label);
    const modelAnswered = new Set(m.answeredQuestionIds ?? []);
    return {
      ...base,
      categories: validCategories(m.categories, analysis.categories),
      sentiment: sentiment.value,
      sentimentLabel: sentiment.label,
      questionAnswers: base.questionAnswers.map((q) => ({ ...q, answered: q.answered || (modelAnswered.has(q.questionId) && input.context.questions.some((c) => c.id === q.questionId)) })),
      provider: 'ollama',
      model: this.opts.model,
    };
  }
}

/** A generated question must be short, plain and free of anything that looks like an instruction. */
export function isSafeQuestion(text: string): boolean {
  const t = text.trim();
  return t.length >= 8 && t.length <= 300 && !/[<>{}\n]|https?:|www\./i.test(t) && !detectInjection(t).detected;
}

/**
 * LLM-phrased follow-ups. The deterministic plan decides whether to ask at all and asks the
 * business's own questions verbatim; the model only rephrases detail questions. Any failure
 * falls back to the embedded question (follow-ups do not pay, so a fallback is harmless).
 */
export class OllamaFollowUpGenerator implements FollowUpGenerator {
  private readonly opts: ResolvedOptions;

  constructor(options: OllamaOptions) {
    this.opts = resolve(options);
  }

  async nextQuestion(input: FollowUpInput): Promise<FollowUpQuestion | null> {
    // The plan is exactly what EmbeddedFollowUpGenerator would ask: it is also the fallback.
    const plan = planFollowUp(input);
    if (!plan || plan.questionId) return plan;
    try {
      const raw = await chatJson(this.opts, buildFollowUpMessages({ ...input, language: plan.language }), FOLLOW_UP_RESPONSE_SCHEMA);
      const parsed = ZFollowUp.safeParse(raw);
      const question = parsed.success ? parsed.data.question : null;
      return question && isSafeQuestion(question) ? { text: question.trim(), language: plan.language } : plan;
    } catch {
      return plan;
    }
  }
}

export interface OllamaPing {
  ok: boolean;
  models: string[];
  error?: string;
}

const ZTags = z.object({ models: z.array(z.object({ name: z.string() })).default([]) });

/** Health check: GET /api/tags. Never throws. */
export async function pingOllama(endpoint: string, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<OllamaPing> {
  const doFetch = options.fetch ?? fetch;
  try {
    const res = await doFetch(`${endpoint.replace(/\/+$/, '')}/api/tags`, { signal: AbortSignal.timeout(options.timeoutMs ?? 3000) });
    if (!res.ok) return { ok: false, models: [], error: `HTTP ${res.status}` };
    const tags = ZTags.safeParse(await res.json());
    return tags.success ? { ok: true, models: tags.data.models.map((m) => m.name) } : { ok: false, models: [], error: 'unexpected /api/tags response' };
  } catch (err) {
    return { ok: false, models: [], error: err instanceof Error ? err.message : String(err) };
  }
}
