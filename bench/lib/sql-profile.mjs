// Per-statement SQLite timings for the server under test (`npm run bench -- <scenario> --sql-profile`): wraps
// better-sqlite3's prepare so every statement's run/get/all is timed by its SQL text, and writes a table sorted by
// total time when the server exits. A V8 profile shows all native SQLite time as one driver function; this says
// which statement it was (it found the job claim and the fingerprint reads of 2026-11-29).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

const stats = new Map();

export function installSqlProfile(dir) {
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function profiledPrepare(source, ...rest) {
    const stmt = prepare.call(this, source, ...rest);
    let st = stats.get(source);
    if (!st) stats.set(source, (st = { calls: 0, ns: 0n }));
    for (const method of ['run', 'get', 'all']) {
      const original = stmt[method];
      stmt[method] = function timed(...args) {
        const t0 = process.hrtime.bigint();
        try {
          return original.apply(this, args);
        } finally {
          st.calls += 1;
          st.ns += process.hrtime.bigint() - t0;
        }
      };
    }
    return stmt;
  };
  process.on('exit', () => {
    const rows = [...stats].filter(([, s]) => s.calls > 0).sort((a, b) => Number(b[1].ns - a[1].ns));
    const lines = rows.map(([sql, s]) => `${(Number(s.ns) / 1e6).toFixed(1).padStart(9)} ms ${String(s.calls).padStart(8)} × ${(Number(s.ns) / 1e3 / s.calls).toFixed(1).padStart(8)} µs  ${sql.replace(/\s+/g, ' ').slice(0, 240)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `sql-${process.pid}.txt`), `    total    calls       mean  statement\n${lines.join('\n')}\n`);
  });
}
