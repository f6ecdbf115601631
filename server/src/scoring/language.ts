import { EN_COMMON, EN_GENERIC_TERMS, EN_SENTIMENT, EN_STOPWORDS } from './lexicon-en.js';
import { SV_COMMON, SV_GENERIC_TERMS, SV_SENTIMENT, SV_STOPWORDS } from './lexicon-sv.js';
import { tokenize } from './text.js';
import type { Language } from './types.js';

function isSwedishWord(token: string): boolean {
  return SV_STOPWORDS.has(token) || SV_COMMON.has(token) || token in SV_SENTIMENT || SV_GENERIC_TERMS.has(token);
}

function isEnglishWord(token: string): boolean {
  return EN_STOPWORDS.has(token) || EN_COMMON.has(token) || token in EN_SENTIMENT || EN_GENERIC_TERMS.has(token);
}

/** True when the token is in any of our Swedish or English word lists. */
export function isKnownWord(token: string): boolean {
  return isSwedishWord(token) || isEnglishWord(token);
}

/**
 * sv/en/other from stopword and vocabulary hits plus å/ä/ö. Words in both languages ("i",
 * "service") carry no evidence. Too little evidence, or a tie, means 'other'.
 */
export function detectLanguage(text: string): Language {
  const tokens = tokenize(text);
  if (tokens.length === 0) return 'other';
  let sv = 0;
  let en = 0;
  for (const token of tokens) {
    const isSv = isSwedishWord(token);
    const isEn = isEnglishWord(token);
    if (isSv && !isEn) sv += 1;
    if (isEn && !isSv) en += 1;
    if (/[åäö]/.test(token)) sv += 0.5;
  }
  const evidence = Math.max(sv, en);
  if (evidence < 1 || evidence / tokens.length < 0.2) return 'other';
  if (sv > en) return 'sv';
  if (en > sv) return 'en';
  return 'other';
}
