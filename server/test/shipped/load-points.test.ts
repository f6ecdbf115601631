/**
 * The guard of the shipped suite: every load point of the built server (test/helpers/load-points.ts:
 * EXTERNAL and OWN_DIRNAME of scripts/bundle-config.mjs, each dynamic import(), lazyRequire('…'),
 * createRequire()(…) and worker thread in src/) must be named by the `@covers` line of a test in
 * test/shipped/, which exercises it through the built server; every `@covers` name must still be a load
 * point. A new external or dynamic import without a shipped test fails here, naming it.
 *
 * @covers
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTERNAL, OWN_DIRNAME } from '../../scripts/bundle-config.mjs';
import { collectLoadPoints, coverage, coversTags, loadPointsInSource, type LoadPoint } from '../helpers/load-points.js';

const SERVER = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(SERVER, 'src');
const SHIPPED = import.meta.dirname;

/**
 * Load points the server never loads, in any configuration, so no test can cover them. Each claim was
 * checked against the code; the test below re-checks what each rests on: the package is not installed.
 * (thread-stream is not here: pino requires it at every start — see accounts-argon2.test.ts.)
 */
const NEVER_LOADED = [
  // pg is not bundled (src/db/database.ts requires it from node_modules when DATABASE_URL is postgres://) and
  // loads pg-native only when `pg.native` is read or NODE_PG_FORCE_NATIVE is set; src/ does neither.
  'pg-native',
  // Optional native helpers of ws (bundled, under @fastify/websocket). ws tries require('bufferutil') as it
  // loads and, when that fails, masks frames in JavaScript; utf-8-validate it never asks for on Node ≥ 18.14,
  // which has buffer.isUtf8 (ws/lib/validation.js).
  'bufferutil',
  'utf-8-validate',
];

/** `@covers` names of every shipped test file, by file name. */
function shippedTags(): Map<string, string[]> {
  const tags = new Map<string, string[]>();
  for (const file of readdirSync(SHIPPED).filter((f) => f.endsWith('.test.ts')).sort()) {
    const list = coversTags(readFileSync(path.join(SHIPPED, file), 'utf8'));
    if (list === null) throw new Error(`test/shipped/${file} has no "@covers" line in its header comment (list the load points it exercises; an empty list is allowed)`);
    tags.set(file, list);
  }
  return tags;
}

const resolvesFromServer = (name: string) => {
  try {
    createRequire(path.join(SERVER, 'package.json')).resolve(name);
    return true;
  } catch {
    return false;
  }
};

describe('load points of the built server and the shipped tests that cover them', () => {
  const points = collectLoadPoints(SRC, { EXTERNAL, OWN_DIRNAME });

  it('finds the known load points of src/ (the collector works on the real sources)', () => {
    const named = (kind: LoadPoint['kind']) => [...new Set(points.filter((p) => p.kind === kind).map((p) => p.name))].sort();
    expect(named('dynamic-import')).toEqual(expect.arrayContaining(['@node-rs/argon2', 'core/undici-exports.ts', 'exceljs', 'nodemailer', 'swedish/index.ts']));
    expect(named('lazy-require')).toEqual(expect.arrayContaining(['bullmq', 'ioredis', 'pg']));
    expect(named('worker')).toEqual(['db/checkpointer.ts', 'db/integrity-thread.ts']);
    expect(named('unresolvable')).toEqual([]);
  });

  it('every load point is covered by a shipped test, and every @covers name is a load point', () => {
    const report = coverage(points, shippedTags(), NEVER_LOADED);
    expect(report.uncovered, `load points without a shipped test that loads them (add one to test/shipped/ with "@covers <name>"):\n  ${report.uncovered.join('\n  ')}`).toEqual([]);
    expect(report.stale, `@covers names that are no load point (any more):\n  ${report.stale.join('\n  ')}`).toEqual([]);
    expect(report.staleAllowed, 'NEVER_LOADED names that are no load point any more').toEqual([]);
  });

  it('what NEVER_LOADED rests on still holds: none of them is installed', () => {
    expect(NEVER_LOADED.filter(resolvesFromServer), 'installed now, so the server may load them: cover them with a shipped test instead').toEqual([]);
  });

  it('reports a new dynamic import, require or worker without a test, and a stale tag (the guard can fail)', () => {
    const fixture = [
      "import type { Options } from 'typed-only';",
      "import { Worker } from 'node:worker_threads';",
      "type Mod = typeof import('type-position');",
      "export type Reply = import('fastify').FastifyReply;",
      "const pad = await import('left-pad');",
      "const sibling = () => import('./sibling.js');",
      "const lazy = lazyRequire<typeof Mod>('lazy-pkg/sub');",
      "const req = createRequire(import.meta.url)('@scope/required/deep');",
      "const fs = await import('node:fs');",
      'const computed = await import(name);',
      "new Worker('thread source', { eval: true });",
    ].join('\n');
    const found = loadPointsInSource('core/fixture.ts', fixture);
    expect(found.map((p) => [p.name, p.kind])).toEqual([
      ['left-pad', 'dynamic-import'],
      ['core/sibling.ts', 'dynamic-import'],
      ['lazy-pkg', 'lazy-require'],
      ['@scope/required', 'require'],
      ['src/core/fixture.ts:10 name', 'unresolvable'],
      ['core/fixture.ts', 'worker'],
    ]);
    const report = coverage([...points, ...found], new Map([...shippedTags(), ['fixture.test.ts', ['core/sibling.ts', 'no-such-package']]]), NEVER_LOADED);
    expect(report.uncovered).toEqual(expect.arrayContaining(['left-pad (src/core/fixture.ts:5)', 'lazy-pkg (src/core/fixture.ts:7)', 'core/fixture.ts (src/core/fixture.ts:11)']));
    expect(report.uncovered.join('\n')).not.toContain('core/sibling.ts');
    expect(report.stale).toEqual(['fixture.test.ts: no-such-package']);
    expect(coverage(points, new Map(), ['left-pad']).staleAllowed).toEqual(['left-pad']);
  });

  it('reads @covers lines, an empty one included, and no line at all as missing', () => {
    expect(coversTags('/**\n * Text.\n *\n * @covers pg, core/undici-exports.ts ,bullmq\n */\nimport x;')).toEqual(['pg', 'core/undici-exports.ts', 'bullmq']);
    expect(coversTags('/**\n * @covers\n */')).toEqual([]);
    expect(coversTags('/** No tag here. */\n// @covers pg')).toBeNull();
  });
});
