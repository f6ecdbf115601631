import { EmbeddedScorer } from './embedded-scorer.js';
import { EmbeddedFollowUpGenerator } from './follow-up.js';
import { OllamaFollowUpGenerator, OllamaScorer } from './ollama.js';
import type { FollowUpGenerator, Scorer } from './types.js';

export interface ScoringConfig {
  ollamaEndpoint?: string | undefined;
  ollamaModel?: string | undefined;
  timeoutMs?: number | undefined;
}

function ollamaOptions(config: ScoringConfig & { ollamaEndpoint: string }) {
  return {
    endpoint: config.ollamaEndpoint,
    ...(config.ollamaModel ? { model: config.ollamaModel } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
  };
}

/** Ollama when an endpoint is configured, else the embedded deterministic scorer. */
export function createScorer(config: ScoringConfig): Scorer {
  const endpoint = config.ollamaEndpoint?.trim();
  return endpoint ? new OllamaScorer(ollamaOptions({ ...config, ollamaEndpoint: endpoint })) : new EmbeddedScorer();
}

/** Same choice for follow-up questions. */
export function createFollowUpGenerator(config: ScoringConfig): FollowUpGenerator {
  const endpoint = config.ollamaEndpoint?.trim();
  return endpoint ? new OllamaFollowUpGenerator(ollamaOptions({ ...config, ollamaEndpoint: endpoint })) : new EmbeddedFollowUpGenerator();
}

export * from './types.js';
export { EmbeddedScorer, scoreEmbedded, EMBEDDED_MODEL } from './embedded-scorer.js';
export { EmbeddedFollowUpGenerator, MAX_FOLLOW_UPS } from './follow-up.js';
export { OllamaScorer, OllamaFollowUpGenerator, pingOllama, DEFAULT_OLLAMA_MODEL, DEFAULT_OLLAMA_TIMEOUT_MS, type OllamaOptions, type OllamaPing } from './ollama.js';
export { computeScore } from './breakdown.js';
export { detectInjection } from './injection.js';
export { detectLanguage } from './language.js';
export { analyzeSentiment } from './sentiment.js';
