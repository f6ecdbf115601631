/**
 * Scores the golden calibration set (server/eval/feedback-eval.json) with the embedded scorer
 * and writes server/eval/report.json + report.md. Run from the repo root:
 *   npx tsx server/scripts/eval-scoring.ts
 * The metric functions are exported for the eval-agreement test.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scoreEmbedded } from '../src/scoring/embedded-scorer.js';
import type { BusinessType, ScoringContext } from '../src/scoring/types.js';

export type Band = 'high' | 'medium' | 'low' | 'zero';
export const BANDS: Band[] = ['high', 'medium', 'low', 'zero'];

export interface EvalItem {
  id: string;
  lang: 'sv' | 'en';
  businessType: BusinessType;
  text: string;
  band: Band;
  note: string;
}

export interface EvalSet {
  bands: Record<Band, [number, number]>;
  contexts: Record<BusinessType, ScoringContext>;
  items: EvalItem[];
}

export interface ScoredItem extends EvalItem {
  score: number;
  inBand: boolean;
  /** Distance outside the band's range (0 when inside). */
  miss: number;
  reasons: string[];
}

export interface BandStats {
  n: number;
  mean: number;
  median: number;
  min: number;
  max: number;
  agreement: number;
}

export interface EvalReport {
  scorer: string;
  items: number;
  perBand: Record<Band, BandStats>;
  perSlice: { slice: string; highMean: number; lowMean: number; margin: number }[];
  bandAgreement: number;
  rankingAccuracy: number;
  spearman: number;
  zeroMax: number;
  worstMisses: { id: string; band: Band; score: number; miss: number; text: string }[];
}

const EVAL_FILE = fileURLToPath(new URL('../eval/feedback-eval.json', import.meta.url));
/** Written after tuning and never used to tune: an out-of-sample sanity check. */
export const HOLDOUT_FILE = fileURLToPath(new URL('../eval/feedback-holdout.json', import.meta.url));

export function loadEvalSet(file = EVAL_FILE): EvalSet {
  return JSON.parse(readFileSync(file, 'utf8')) as EvalSet;
}

export function scoreItems(set: EvalSet): ScoredItem[] {
  return set.items.map((item) => {
    const result = scoreEmbedded({ turns: [{ role: 'customer', text: item.text }], context: set.contexts[item.businessType] });
    const [lo, hi] = set.bands[item.band];
    const miss = result.score < lo ? lo - result.score : result.score > hi ? result.score - hi : 0;
    return { ...item, score: result.score, inBand: miss === 0, miss, reasons: result.reasons.map((r) => r.code) };
  });
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Average ranks (1-based), ties share their mean rank. */
export function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length).fill(0);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    for (let k = i; k <= j; k++) out[order[k]?.[1] ?? 0] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rho = Pearson correlation of the (tie-averaged) ranks. */
export function spearman(xs: number[], ys: number[]): number {
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mx = mean(rx);
  const my = mean(ry);
  let num = 0;
  let dx = 0;
  let dy = 0;
  rx.forEach((r, i) => {
    const a = r - mx;
    const b = (ry[i] ?? 0) - my;
    num += a * b;
    dx += a * a;
    dy += b * b;
  });
  return dx === 0 || dy === 0 ? 0 : num / Math.sqrt(dx * dy);
}

/** Fraction of (high, low|zero) pairs where the high item scores strictly higher. */
export function rankingAccuracy(scored: ScoredItem[]): number {
  const highs = scored.filter((s) => s.band === 'high');
  const lows = scored.filter((s) => s.band === 'low' || s.band === 'zero');
  let wins = 0;
  for (const h of highs) for (const l of lows) if (h.score > l.score) wins++;
  return highs.length * lows.length === 0 ? 0 : wins / (highs.length * lows.length);
}

function bandStats(scored: ScoredItem[], band: Band): BandStats {
  const xs = scored.filter((s) => s.band === band);
  const scores = xs.map((s) => s.score);
  return {
    n: xs.length,
    mean: round(mean(scores), 1),
    median: median(scores),
    min: Math.min(...scores),
    max: Math.max(...scores),
    agreement: round(xs.filter((s) => s.inBand).length / Math.max(1, xs.length)),
  };
}

/** High-vs-low means per language and per business type: the margin must hold in every slice. */
function slices(scored: ScoredItem[]): EvalReport['perSlice'] {
  const keys = [...new Set(scored.flatMap((s) => [`lang:${s.lang}`, `type:${s.businessType}`]))].sort();
  return keys.map((slice) => {
    const [kind, value] = slice.split(':');
    const inSlice = scored.filter((s) => (kind === 'lang' ? s.lang : s.businessType) === value);
    const highMean = round(mean(inSlice.filter((s) => s.band === 'high').map((s) => s.score)), 1);
    const lowMean = round(mean(inSlice.filter((s) => s.band === 'low').map((s) => s.score)), 1);
    return { slice, highMean, lowMean, margin: round(highMean - lowMean, 1) };
  });
}

const BAND_RANK: Record<Band, number> = { zero: 0, low: 1, medium: 2, high: 3 };

export function buildReport(scored: ScoredItem[]): EvalReport {
  const perBand = Object.fromEntries(BANDS.map((b) => [b, bandStats(scored, b)])) as Record<Band, BandStats>;
  return {
    scorer: 'embedded',
    items: scored.length,
    perBand,
    perSlice: slices(scored),
    bandAgreement: round(scored.filter((s) => s.inBand).length / scored.length),
    rankingAccuracy: round(rankingAccuracy(scored), 4),
    spearman: round(spearman(scored.map((s) => BAND_RANK[s.band]), scored.map((s) => s.score))),
    zeroMax: perBand.zero.max,
    worstMisses: [...scored]
      .filter((s) => s.miss > 0)
      .sort((a, b) => b.miss - a.miss || a.id.localeCompare(b.id))
      .slice(0, 10)
      .map((s) => ({ id: s.id, band: s.band, score: s.score, miss: s.miss, text: s.text })),
  };
}

function holdoutSection(h: EvalReport | undefined): string[] {
  if (!h) return [];
  return [
    '## Hold-out check',
    '',
    `\`server/eval/feedback-holdout.json\`: ${h.items} items written after tuning and never used to tune.`,
    '',
    '| band | n | mean | min | max | in band |',
    '|---|---|---|---|---|---|',
    ...BANDS.map((b) => `| ${b} | ${h.perBand[b].n} | ${h.perBand[b].mean} | ${h.perBand[b].min} | ${h.perBand[b].max} | ${(h.perBand[b].agreement * 100).toFixed(1)}% |`),
    '',
    `- Band agreement ${(h.bandAgreement * 100).toFixed(1)}%, ranking accuracy ${h.rankingAccuracy}, Spearman ${h.spearman}, highest zero-band score ${h.zeroMax}.`,
    '',
  ];
}

export function renderMarkdown(r: EvalReport, bands: EvalSet['bands'], holdout?: EvalReport): string {
  const lines = [
    '# Scoring evaluation (embedded scorer)',
    '',
    `Generated by \`npx tsx server/scripts/eval-scoring.ts\` over ${r.items} items of \`server/eval/feedback-eval.json\`.`,
    '',
    '| band | range | n | mean | median | min | max | in band |',
    '|---|---|---|---|---|---|---|---|',
    ...BANDS.map((b) => {
      const s = r.perBand[b];
      return `| ${b} | ${bands[b][0]}–${bands[b][1]} | ${s.n} | ${s.mean} | ${s.median} | ${s.min} | ${s.max} | ${(s.agreement * 100).toFixed(1)}% |`;
    }),
    '',
    `- Band agreement (score inside its band's range): **${(r.bandAgreement * 100).toFixed(1)}%**`,
    `- Ranking accuracy (high above low/zero, all pairs): **${r.rankingAccuracy}**`,
    `- Spearman (band rank vs score): **${r.spearman}**`,
    `- Highest zero-band score: **${r.zeroMax}** (pays nothing below 60)`,
    '',
    '| slice | high mean | low mean | margin |',
    '|---|---|---|---|',
    ...r.perSlice.map((s) => `| ${s.slice} | ${s.highMean} | ${s.lowMean} | ${s.margin} |`),
    '',
    '## Worst 10 misses',
    '',
    '| id | band | score | off by | text |',
    '|---|---|---|---|---|',
    ...r.worstMisses.map((m) => `| ${m.id} | ${m.band} | ${m.score} | ${m.miss} | ${m.text.replace(/\|/g, '\\|').slice(0, 120)} |`),
    '',
    ...holdoutSection(holdout),
  ];
  return lines.join('\n');
}

function main(): void {
  const set = loadEvalSet();
  const report = buildReport(scoreItems(set));
  const holdout = buildReport(scoreItems(loadEvalSet(HOLDOUT_FILE)));
  const dir = new URL('../eval/', import.meta.url);
  writeFileSync(new URL('report.json', dir), `${JSON.stringify({ ...report, holdout }, null, 2)}\n`);
  const md = renderMarkdown(report, set.bands, holdout);
  writeFileSync(new URL('report.md', dir), md);
  console.log(md);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
