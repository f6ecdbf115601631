import { describe, expect, it } from 'vitest';
import { buildReport, loadEvalSet, ranks, scoreItems, spearman } from '../../scripts/eval-scoring.js';

/**
 * The golden calibration set (server/eval/feedback-eval.json) must keep the embedded scorer
 * honest: clear separation of high from low, near-perfect ranking, and noise that never pays.
 */
describe('evaluation set agreement', () => {
  const set = loadEvalSet();
  const report = buildReport(scoreItems(set));

  it('has at least 220 items in both languages, all business types and all bands', () => {
    expect(set.items.length).toBeGreaterThanOrEqual(220);
    const sv = set.items.filter((i) => i.lang === 'sv').length / set.items.length;
    expect(sv).toBeGreaterThan(0.55);
    expect(sv).toBeLessThan(0.65);
    for (const type of ['grocery', 'cafe', 'restaurant', 'retail']) {
      for (const band of ['high', 'medium', 'low', 'zero']) {
        expect(set.items.some((i) => i.businessType === type && i.band === band), `${type}/${band}`).toBe(true);
      }
    }
    expect(new Set(set.items.map((i) => i.id)).size).toBe(set.items.length);
  });

  it('every high mean (per language and business type) beats every low mean by a clear margin', () => {
    const highs = report.perSlice.map((s) => s.highMean);
    const lows = report.perSlice.map((s) => s.lowMean);
    expect(Math.min(...highs) - Math.max(...lows)).toBeGreaterThanOrEqual(30);
    expect(report.perBand.high.mean - report.perBand.low.mean).toBeGreaterThanOrEqual(30);
  });

  it('ranks high above low/zero in at least 95% of pairs', () => {
    expect(report.rankingAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('zero-band items never pay (score < 60) and stay low on average', () => {
    expect(report.zeroMax).toBeLessThan(60);
    expect(report.perBand.zero.mean).toBeLessThan(30);
  });

  it('orders the bands: Spearman between band rank and score stays strong', () => {
    expect(report.spearman).toBeGreaterThanOrEqual(0.8);
    expect(report.perBand.high.mean).toBeGreaterThan(report.perBand.medium.mean);
    expect(report.perBand.medium.mean).toBeGreaterThan(report.perBand.low.mean);
    expect(report.perBand.low.mean).toBeGreaterThan(report.perBand.zero.mean);
  });
});

describe('eval metrics', () => {
  it('averages tied ranks', () => {
    expect(ranks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
  });

  it('computes Spearman correlation', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [40, 30, 20, 10])).toBeCloseTo(-1);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBe(0);
  });
});
