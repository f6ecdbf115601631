import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const PROMQL_FUNCTIONS = new Set(['sum', 'rate', 'increase', 'histogram_quantile', 'clamp_min', 'hour', 'day_of_week', 'by', 'on', 'and', 'le', 'status_code', 'route', 'provider', 'outcome', 'status', 'job', 'instance']);

interface Rule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: { summary: string };
}

// The alert rules must only reference metrics Kvittra actually exports (or Prometheus' own `up`).
describe('monitoring/alert-rules.yml', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  it('parses, has a severity and summary per rule, and references only exported metrics', async () => {
    const doc = parse(readFileSync(new URL('../../../monitoring/alert-rules.yml', import.meta.url), 'utf8')) as { groups: { rules: Rule[] }[] };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(8);
    const exposition = (await p.admin('GET', '/metrics')).text;
    const exported = new Set([...exposition.matchAll(/^# TYPE (\S+) (\w+)/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name!])));
    exported.add('up');
    for (const rule of rules) {
      expect(['critical', 'high', 'medium', 'low']).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length).toBeGreaterThan(5);
      const identifiers = [...rule.expr.replace(/"[^"]*"/g, '').matchAll(/[a-z_][a-z0-9_]*/g)].map((m) => m[0]);
      const metrics = identifiers.filter((id) => !PROMQL_FUNCTIONS.has(id) && !/^\d/.test(id) && id.includes('_') || id === 'up');
      for (const m of metrics) expect(exported, `${rule.alert} uses ${m}`).toContain(m);
    }
  });
});
