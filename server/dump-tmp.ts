import { loadEvalSet, scoreItems } from './scripts/eval-scoring.js';
import { scoreEmbedded } from './src/scoring/embedded-scorer.js';
const set = loadEvalSet();
const band = process.argv[2];
for (const s of scoreItems(set).filter(s => !band || s.band === band)) {
  const r = scoreEmbedded({ turns: [{ role: 'customer', text: s.text }], context: set.contexts[s.businessType] });
  console.log(String(s.score).padStart(3), s.inBand ? ' ' : '*', JSON.stringify(r.breakdown), r.language, r.sentimentLabel, r.categories.join(','), '|', s.text.slice(0, 90), '|', s.reasons.join(','));
}
