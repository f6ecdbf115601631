/** The hand-written top of docs/performance.md, used only when the file does not exist yet (then edit the file). */
export const MARKER = '<!-- bench:generated — everything below this line is rewritten by `npm run bench`; edit above it -->';

export const DEFAULT_INTRO = `# Performance

Kvittra's benchmarks live in \`bench/\`. They are not part of \`npm test\` (which has no timing thresholds):
the machines this runs on are shared and noisy, so **every figure is a ratio against a baseline measured in the
same run**, on the same machine, seconds apart.

## Running them

\`\`\`bash
npm run bench                       # all scenarios, SQLite (≈ 7–10 minutes)
npm run bench -- ingest             # one scenario (by name or number: ingest verify customer coldstart memory, 1–7)
npm run bench -- --quick            # shorter runs, 200 000 transactions instead of 1 000 000
npm run bench -- --pg               # the same against PostgreSQL (a throwaway database per scenario)
npm run bench -- verify --transactions 10000000   # the issue's 10 M rows
npm run bench -- memory --soak 300  # the five-minute soak
npm run bench -- ingest --cpu-prof  # also write V8 CPU profiles of the server to bench/results/tmp/profiles
npm run bench -- --doc-only         # only regenerate this file from bench/results/*.json
\`\`\`

Other flags: \`--duration S\` (each measured run, default 15 s, 10 s quick), \`--warmup S\` (unrecorded load before each
run, default 3 s), \`--no-build\` (skip \`npm run build -w server\`). Each scenario writes
\`bench/results/<scenario>.json\` (\`<scenario>.postgres.json\` with \`--pg\`) with the measured figures, the baseline
beside them, the ratios, the targets and the server's RSS during the run; this page is regenerated from all of them.
Server logs of the last run are in \`bench/results/tmp/\` (ignored by git).

## How it measures

- **The server under test is the built server** (\`server/dist\`, built first) in its **own Node process**, started
  like \`main.js\` (\`startPlatform(loadConfig(env))\`) on a free loopback port with a **throwaway database** (a temp
  SQLite file, or a fresh PostgreSQL database with \`--pg\`), \`NODE_ENV=production\`, \`LOG_LEVEL=warn\`, SQLite with
  the default \`synchronous=FULL\` and group commit. Two limits are adjusted so the limiter is not what gets measured:
  the per-connection webhook limit is lifted, and \`TRUST_PROXY=127.0.0.1\` lets every virtual customer present its
  own address in \`X-Forwarded-For\` (the per-IP limits still run on every request).
- **Baselines run in their own processes too:** a bare Fastify app (\`bench/lib/bare-child.mjs\`: no plugins, one
  POST route that only parses the JSON body, one GET returning \`{ok:true}\`), or Kvittra's own
  \`GET /api/health/live\` at the same concurrency.
- **Load** comes from [autocannon](https://github.com/mcollina/autocannon) in the \`npm run bench\` process
  (closed loop: each connection sends its next request when the previous one is answered; no think time).
  Latency percentiles come from an HDR histogram in microseconds fed with autocannon's per-request timings
  (autocannon's own histogram has 1 ms resolution and no p95). The first seconds of every run are a warm-up on the
  same connections and are not recorded (only requests sent after it count), so measurements see the steady
  state rather than a burst of new connections.
- **Memory:** the server's RSS and heap are sampled over IPC every 0.5 s during every run; the soak reads the heap
  after forced full GCs (\`--expose-gc\`).
- **Data:** \`npm run seed:data -- --transactions N --locations L --days D --feedback F\` (also used by the
  scenarios) creates businesses, locations and POS connections through the server's own services, then bulk-loads
  card sales: mostly 29–450 kr with Swedish price endings (whole kronor, ,50, ,90), now and then larger; times
  inside opening hours 07–22 Europe/Stockholm with the lunch peak 11–15, busier Fridays and Saturdays, busier and
  quieter shops; about 1 % refunds; optional scored feedback sessions. SQLite loads with raw prepared statements
  in 50 000-row transactions (secondary indexes rebuilt afterwards), PostgreSQL with \`unnest\` arrays.
  Without flags it seeds the database \`npm start\` uses (\`DATABASE_URL\` / \`DATA_DIR\`; \`--database-url\` overrides).

## Reading the results

A missed target is reported as missed, with the figures. The summary table below is per target; each scenario's
section has the measured run beside its baseline. Where the issue sets no numeric target (outbound delivery rate),
the ratio is reported without a verdict.
`;
