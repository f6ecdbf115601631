/**
 * Contracts for feedback-quality scoring. The score decides the customer's cashback, so every
 * provider must return the same explainable shape, and a provider that cannot produce a valid
 * score throws ScoringUnavailableError instead of inventing one.
 */
export const FEEDBACK_CATEGORIES = [
  'service',
  'staff',
  'product',
  'quality',
  'price',
  'waiting_time',
  'cleanliness',
  'atmosphere',
  'selection',
  'accessibility',
  'other',
] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];

export const CATEGORY_LABELS_SV: Record<FeedbackCategory, string> = {
  service: 'Service',
  staff: 'Personal',
  product: 'Produkt',
  quality: 'Kvalitet',
  price: 'Pris',
  waiting_time: 'Väntetid',
  cleanliness: 'Renlighet',
  atmosphere: 'Atmosfär',
  selection: 'Sortiment',
  accessibility: 'Tillgänglighet',
  other: 'Övrigt',
};

export type BusinessType = 'grocery' | 'cafe' | 'restaurant' | 'retail';

export interface ScoringContext {
  businessName: string;
  businessType: BusinessType;
  sells?: string;
  staffNames?: string[];
  knownIssues?: string;
  campaigns?: string;
  questions: { id: string; text: string }[];
}

export interface ConversationTurn {
  role: 'assistant' | 'customer';
  text: string;
  questionId?: string;
}

/** Each component is an integer 0–100. */
export interface ScoreBreakdown {
  authenticity: number;
  concreteness: number;
  depth: number;
}

export type Language = 'sv' | 'en' | 'other';
export type SentimentLabel = 'positive' | 'neutral' | 'negative' | 'mixed';

export interface ScoreReason {
  code: string;
  sv: string;
  en: string;
}

export interface ScoreFlags {
  injectionAttempt: boolean;
  offTopic: boolean;
  gibberish: boolean;
  tooShort: boolean;
}

export interface QuestionAnswer {
  questionId: string;
  answered: boolean;
  summary: string;
}

export interface ScoreResult {
  score: number;
  breakdown: ScoreBreakdown;
  categories: FeedbackCategory[];
  /** -1..1 */
  sentiment: number;
  sentimentLabel: SentimentLabel;
  language: Language;
  reasons: ScoreReason[];
  flags: ScoreFlags;
  questionAnswers: QuestionAnswer[];
  provider: 'embedded' | 'ollama';
  model: string;
}

/**
 * Thrown when a provider cannot produce a valid score. The caller asks the customer to retry;
 * it must never fall back to a made-up or default paying score.
 */
export class ScoringUnavailableError extends Error {
  constructor(message = 'Feedback scoring is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScoringUnavailableError';
  }
}

export interface ScoreInput {
  turns: ConversationTurn[];
  context: ScoringContext;
}

export interface Scorer {
  readonly name: string;
  score(input: ScoreInput): Promise<ScoreResult>;
}

export interface FollowUpInput {
  turns: ConversationTurn[];
  context: ScoringContext;
  askedSoFar: number;
}

export interface FollowUpQuestion {
  text: string;
  questionId?: string;
  language: 'sv' | 'en';
}

export interface FollowUpGenerator {
  nextQuestion(input: FollowUpInput): Promise<FollowUpQuestion | null>;
}
