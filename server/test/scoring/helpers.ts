import type { BusinessType, ConversationTurn, ScoringContext } from '../../src/scoring/types.js';

/** A café context like the ones businesses enter in onboarding. */
export function cafeContext(overrides: Partial<ScoringContext> = {}): ScoringContext {
  return {
    businessName: 'Café Kanel',
    businessType: 'cafe',
    sells: 'kaffe, latte, kanelbullar, smörgåsar, kakor',
    staffNames: ['Sara', 'Jonas'],
    questions: [
      { id: 'q-coffee', text: 'Hur smakade kaffet?' },
      { id: 'q-seating', text: 'Vad tyckte du om sittplatserna och miljön?' },
    ],
    ...overrides,
  };
}

export function contextFor(businessType: BusinessType, overrides: Partial<ScoringContext> = {}): ScoringContext {
  return cafeContext({ businessType, businessName: 'Testbutiken', sells: undefined, questions: [], ...overrides });
}

export const customer = (text: string, questionId?: string): ConversationTurn => ({ role: 'customer', text, ...(questionId ? { questionId } : {}) });
export const assistant = (text: string, questionId?: string): ConversationTurn => ({ role: 'assistant', text, ...(questionId ? { questionId } : {}) });

/** Specific, constructive Swedish café feedback (expected high). */
export const RICH_SV =
  'Jag beställde en latte och en kanelbulle strax efter kl 12. Det tog 20 minuter innan jag fick bullen, eftersom bara Jonas jobbade i kassan. Kaffet var gott men bullen var torr. Ni borde ha en extra person vid lunch.';
/** Specific, constructive English café feedback (expected high). */
export const RICH_EN =
  'I ordered an oat latte and a cinnamon bun around 2 pm. The latte was lukewarm and I waited 15 minutes at the counter because only one barista was working. Sara was friendly though. You should add a second person at lunchtime.';
