/**
 * Fraud engine: pure, deterministic building blocks. The DB layer fetches the data
 * (earlier texts' fingerprints, velocity counts, refunds …), builds signals with
 * these functions and decides with combineRisk.
 */
export {
  normalizeText,
  shingles,
  jaccard,
  textSimilarity,
  nearDuplicate,
  signatureFromShingles,
  minHashSignature,
  isEmptySignature,
  estimateJaccard,
  exactDuplicateKey,
  isDuplicateCheckEligible,
  fingerprintText,
  lshBandKeys,
  lshCandidates,
  serializeSignature,
  deserializeSignature,
  NUM_HASHES,
  SHINGLE_SIZE,
  DEFAULT_NEAR_DUPLICATE_THRESHOLD,
  DEFAULT_LSH_BANDS,
  MIN_WORDS_FOR_DUPLICATE_CHECK,
  type MinHashSignature,
  type TextFingerprint,
} from './text-similarity.js';
export { foldText, normalizedWords } from './normalize.js';
export { murmur3, murmur3Bytes, fmix32, deriveSeeds } from './hash.js';
export { gibberishScore, gibberishBreakdown, tokenBadness, keyboardWalkLength, type GibberishBreakdown } from './gibberish.js';
export {
  evaluateVelocity,
  velocityStrength,
  DEFAULT_VELOCITY_LIMITS,
  type VelocityCounts,
  type VelocityLimits,
  type VelocityRule,
} from './velocity.js';
export {
  RISK_SIGNAL_CODES,
  riskSignalSchema,
  makeSignal,
  duplicateTextSignal,
  nearDuplicateSignal,
  gibberishSignal,
  instantClaimSignal,
  refundAfterRewardSignal,
  priorFraudSignal,
  failedVerificationsSignal,
  bannedDeviceLinkSignal,
  DUPLICATE_FIRST_STRENGTH,
  SHORT_DUPLICATE_MAX_STRENGTH,
  NEAR_DUPLICATE_FLOOR,
  INSTANT_CLAIM_FULL_SECONDS,
  INSTANT_CLAIM_NONE_SECONDS,
  type RiskSignal,
  type RiskSignalCode,
  type LocalizedText,
  type RefundAfterReward,
} from './signals.js';
export {
  haversineKm,
  countFarApart,
  impliedSpeedKmh,
  maxImpliedSpeedKmh,
  impossibleTravelSignal,
  FAR_APART_KM,
  MIN_TRAVEL_KM,
  PLAUSIBLE_SPEED_KMH,
  IMPOSSIBLE_SPEED_KMH,
  type GeoPoint,
  type TimedPoint,
} from './geo.js';
export {
  combineRisk,
  DEFAULT_HOLD_THRESHOLD,
  DEFAULT_MEDIUM_THRESHOLD,
  type CombineRiskOptions,
  type RiskLevel,
  type RiskReason,
  type RiskSummary,
} from './risk.js';
