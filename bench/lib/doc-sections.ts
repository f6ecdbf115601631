/** One section of the generated part of docs/performance.md per scenario (all backends that have results). */
import type { ScenarioResult } from './results.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const n = (v: unknown, digits = 1): string => (typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : '—');
const ms = (v: unknown) => (typeof v === 'number' ? `${n(v, v < 10 ? 2 : 1)} ms` : '—');
const x = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');

function answered(f: Obj): string {
  if (f.connectionsAnswered === undefined) return '—';
  const all = f.allConnectionsAnsweredSec;
  return `${n(f.connectionsAnswered, 0)} of ${n(f.connections, 0)} (${typeof all === 'number' ? `${n(all, 2)} s` : 'not all within the run'})`;
}

function loadTable(measured: Obj, baseline: Obj, labels: [string, string]): string {
  const lm = o(measured.latencyMs);
  const lb = o(baseline.latencyMs);
  const rm = o(measured.rssMb);
  const rb = o(baseline.rssMb);
  const ratio = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? x(a / b) : '—');
  const rows = [
    `| | ${labels[0]} | ${labels[1]} | ratio |`,
    '| --- | --- | --- | --- |',
    `| Throughput | ${n(measured.rps)} req/s | ${n(baseline.rps)} req/s | ${ratio(measured.rps, baseline.rps)} |`,
    `| p50 | ${ms(lm.p50)} | ${ms(lb.p50)} | ${ratio(lm.p50, lb.p50)} |`,
    `| p95 | ${ms(lm.p95)} | ${ms(lb.p95)} | ${ratio(lm.p95, lb.p95)} |`,
    `| p99 | ${ms(lm.p99)} | ${ms(lb.p99)} | ${ratio(lm.p99, lb.p99)} |`,
    `| Requests (non-2xx / errors / timeouts) | ${n(measured.requests, 0)} (${n(measured.non2xx, 0)} / ${n(measured.errors, 0)} / ${n(measured.timeouts, 0)}) | ${n(baseline.requests, 0)} (${n(baseline.non2xx, 0)} / ${n(baseline.errors, 0)} / ${n(baseline.timeouts, 0)}) | |`,
    `| Server RSS during the run (min–max) | ${n(rm.minMb)}–${n(rm.maxMb)} MB | ${n(rb.minMb)}–${n(rb.maxMb)} MB | |`,
    `| Connections answered (all answered after) | ${answered(measured)} | ${answered(baseline)} | |`,
  ];
  return rows.join('\n');
}

function stepTable(steps: Obj): string {
  const rows = ['| Step | requests | failed | p50 | p95 | p99 |', '| --- | --- | --- | --- | --- | --- |'];
  for (const [name, v] of Object.entries(steps)) {
    const s = o(v);
    rows.push(`| ${name} | ${n(s.count, 0)} | ${n(s.failed, 0)} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} |`);
  }
  return rows.join('\n');
}

function setupList(setup: Obj): string {
  return Object.entries(setup)
    .map(([k, v]) => `- ${k}: ${typeof v === 'number' ? n(v, 3) : String(v)}`)
    .join('\n');
}

function ingestExtras(r: ScenarioResult): string[] {
  const out: string[] = [];
  const d = o(r.details?.synchronousNormal);
  if (d.rps !== undefined) {
    out.push(`Same run with \`SQLITE_SYNCHRONOUS=NORMAL\` (no fsync per commit; comparison only): ${n(d.rps)} req/s (${x(d.throughputVsBare)} of bare), p99 ${ms(o(d.latencyMs).p99)} (${x(d.p99VsBare)} of bare), non-2xx ${n(d.non2xx, 0)}.`);
  }
  return out;
}

function verifyExtras(r: ScenarioResult): string[] {
  const m = o(r.measured);
  const v = o(m.verifyLatencyMs);
  const s = o(m.sessionLatencyMs);
  const live = o(o(r.baseline).latencyMs);
  const d = o(r.details);
  const direct = o(d.directLookup);
  return [
    `Verification step (${n(v.count, 0)} verifications, ${n(m.verifiesPerSec)}/s): p50 ${ms(v.p50)}, p95 ${ms(v.p95)}, p99 ${ms(v.p99)} against the live probe's p50 ${ms(live.p50)}, p95 ${ms(live.p95)}, p99 ${ms(live.p99)}. Session creation in the same run: p99 ${ms(s.p99)}.`,
    '',
    `The lookup itself, run directly against the seeded database without HTTP over ${n(direct.count, 0)} real purchases: p50 ${ms(direct.p50)}, p99 ${ms(direct.p99)}, ${n(direct.meanRows)} candidate rows on average. ${String(d.planKind ?? 'Query plan')}:`,
    '',
    '```',
    ...((d.queryPlan as string[] | undefined) ?? []),
    '```',
    '',
    '<details><summary>The query (as compiled by Kysely, mirroring server/src/feedback/verify-service.ts)</summary>',
    '',
    '```sql',
    String(d.querySql ?? ''),
    '```',
    '',
    '</details>',
  ];
}

function customerExtras(r: ScenarioResult): string[] {
  const m = o(r.measured);
  const pass = o(m.passLatencyMs);
  const k6 = o(o(r.details).thinkTime);
  const probe = o(o(r.details).liveProbeDuringThinkTime);
  const lines = [`${n(m.passesCompleted, 0)} complete customer passes (${n(m.passesPerSec)}/s); a whole pass took p50 ${ms(pass.p50)}, p95 ${ms(pass.p95)}.`, '', stepTable(o(m.stepLatencyMs))];
  if (k6.rps === undefined) return lines;
  return [
    ...lines,
    '',
    `With think time (200 customers, 0.8–1.2 s between steps): ${n(k6.rps)} req/s, ${n(k6.passesPerSec)} passes/s, request p50 ${ms(o(k6.latencyMs).p50)} / p95 ${ms(o(k6.latencyMs).p95)} / p99 ${ms(o(k6.latencyMs).p99)}; live probe on one extra connection meanwhile p95 ${ms(o(probe.latencyMs).p95)}.`,
    '',
    stepTable(o(k6.stepLatencyMs)),
  ];
}

/** A cold-start table row, or none when the result predates that measurement. */
function startRow(label: string, value: unknown): string[] {
  if (!value) return [];
  const v = o(value);
  return [`| ${label} | ${ms(v.medianMs)} | ${ms(v.minMs)} | ${ms(v.maxMs)} | ${((v.runsMs as number[]) ?? []).join(', ')} |`];
}

function coldStartExtras(r: ScenarioResult): string[] {
  const m = o(r.measured);
  const b = o(r.baseline);
  const f = o(m.firstStartEmptyDatabase);
  const phases = (o(m.serverReportedPhases).phases as { name: string; ms: number }[] | undefined) ?? [];
  return [
    '| | median | min | max | runs (ms) |',
    '| --- | --- | --- | --- | --- |',
    `| Kvittra (\`node server/dist/kvittra.mjs\`, migrated database) | ${ms(m.medianMs)} | ${ms(m.minMs)} | ${ms(m.maxMs)} | ${((m.runsMs as number[]) ?? []).join(', ')} |`,
    `| Bare Fastify app | ${ms(b.medianMs)} | ${ms(b.minMs)} | ${ms(b.maxMs)} | ${((b.runsMs as number[]) ?? []).join(', ')} |`,
    `| Kvittra, first start on an empty database (migrations) | ${ms(f.medianMs)} | ${ms(f.minMs)} | ${ms(f.maxMs)} | ${((f.runsMs as number[]) ?? []).join(', ')} |`,
    ...startRow('`npm start` on a built tree', m.npmStart),
    ...startRow('`node scripts/start.mjs` (the build check, no npm)', m.startScript),
    ...startRow('`node server/dist/kvittra.mjs`, interleaved with the two above', m.direct),
    '',
    phases.length ? `Server-reported phases of the last run (\`/api/health/startup\`, counted from the start of \`startPlatform\`, so module loading is not included): ${phases.map((p) => `${p.name} ${ms(p.ms)}`).join(' → ')}.` : '',
  ];
}

function memoryExtras(r: ScenarioResult): string[] {
  const m = o(r.measured);
  const points = (m.heapPoints as { atSec: number; heapUsedMb: number; rssMb: number }[] | undefined) ?? [];
  const rss = o(m.rssMb);
  return [
    `Heap after full GC: ${n(m.heapStartMb)} MB at the start of the soak, ${n(m.heapEndMb)} MB at the end (${n(m.heapGrowthMb)} MB; least-squares slope ${n(m.heapSlopeMbPerMin, 2)} MB/min). RSS during the soak ${n(rss.minMb)}–${n(rss.maxMb)} MB. Idle before: heap ${n(o(m.idleBefore).heapUsedMb)} MB, RSS ${n(o(m.idleBefore).rssMb)} MB; idle after: heap ${n(o(m.idleAfter).heapUsedMb)} MB, RSS ${n(o(m.idleAfter).rssMb)} MB.`,
    `Load during the soak: ${n(m.rps)} req/s, ${n(m.passesPerSec)} customer passes/s, p95 ${ms(o(m.latencyMs).p95)}, ${n(m.non2xx, 0)} non-2xx.`,
    '',
    '| t (s) | heap used (MB) | RSS (MB) |',
    '| --- | --- | --- |',
    ...points.map((p) => `| ${n(p.atSec)} | ${n(p.heapUsedMb)} | ${n(p.rssMb)} |`),
  ];
}

/** Scenario 5: the three dashboard runs side by side with the live probe of the same run. */
function analyticsExtras(r: ScenarioResult): string[] {
  const m = o(r.measured);
  const live = o(r.baseline);
  const runs: [string, Obj][] = [['uncached (unique ranges)', o(m.uncached)], ['cached (popular views)', o(m.cached)], ['realistic mix (80/20)', m], ['GET /api/health/live', live]];
  const lp95 = o(live.latencyMs).p95;
  return [
    '| run | req/s | p50 | p95 | p99 | p95 vs live | cache hit ratio | non-2xx |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map(([label, f]) => {
      const l = o(f.latencyMs);
      const vs = typeof l.p95 === 'number' && typeof lp95 === 'number' && lp95 > 0 ? x(l.p95 / lp95) : '—';
      return `| ${label} | ${n(f.rps)} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${vs} | ${typeof f.cacheHitRatio === 'number' ? `${(f.cacheHitRatio * 100).toFixed(1)} %` : '—'} | ${n(f.non2xx, 0)} |`;
    }),
  ];
}

const EXTRAS: Record<string, (r: ScenarioResult) => string[]> = { ingest: ingestExtras, verify: verifyExtras, customer: customerExtras, coldstart: coldStartExtras, memory: memoryExtras, analytics: analyticsExtras };
const LABELS: Record<string, [string, string]> = { ingest: ['Kvittra webhook route', 'bare Fastify JSON route'], verify: ['session + verify', 'GET /api/health/live, 1 connection during the load'], customer: ['customer loop, closed, 200 connections', 'GET /api/health/live, 200 connections'] };

export function scenarioSection(results: ScenarioResult[]): string {
  const first = results[0]!;
  const out = [`### ${first.number}. ${first.title}`, ''];
  for (const r of results) {
    if (results.length > 1) out.push(`#### ${r.backend}`, '');
    out.push(`**Status: ${r.status.replace('_', ' ')}** (${r.backend}${r.quick ? ', --quick' : ''}, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC)`, '');
    if (r.status === 'not_implemented' || r.status === 'failed') {
      out.push(...r.notes.map((t) => `- ${t}`), '');
      continue;
    }
    out.push(r.targets.map((t) => `- ${t.met === null ? '•' : t.met ? '✅' : '❌'} ${t.name} (target ${t.target}): ${t.display}`).join('\n'), '');
    if (LABELS[r.scenario] && r.measured && r.baseline) out.push(loadTable(o(r.measured), o(r.baseline), LABELS[r.scenario]!), '');
    const extra = EXTRAS[r.scenario]?.(r) ?? [];
    if (extra.length) out.push(...extra, '');
    out.push('<details><summary>Set-up</summary>', '', setupList(o(r.setup)), '', '</details>', '');
    if (r.notes.length) out.push(...r.notes.map((t) => `- ${t}`), '');
  }
  return out.join('\n');
}
