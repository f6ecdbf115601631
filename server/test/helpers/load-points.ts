/**
 * The load points of the built server: every dependency that the bundle leaves outside (EXTERNAL), loads
 * from its package folder (OWN_DIRNAME), splits into a chunk (a dynamic import()), or requires at run
 * time (lazyRequire, createRequire()(…), a worker thread). Each one is resolved only when the shipped
 * server runs, so test/shipped/load-points.test.ts requires a shipped test for each (`@covers` tags).
 * Found with the TypeScript compiler's syntax tree, so `typeof import('x')` and `import('x').T` (types)
 * are not taken for loads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export type LoadPointKind = 'external' | 'own-dirname' | 'dynamic-import' | 'lazy-require' | 'require' | 'worker' | 'unresolvable';

export interface LoadPoint {
  /** The `@covers` name: a package name, or a source file relative to src/ (e.g. `core/undici-exports.ts`). */
  name: string;
  kind: LoadPointKind;
  /** Where it was found, e.g. `src/feedback/store-review-xlsx.ts:15` or `scripts/bundle-config.mjs`. */
  where: string;
}

/** `@scope/pkg/sub` → `@scope/pkg`, `pkg/sub` → `pkg`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier));

/** A specifier as a load-point name: a relative one as the source file it resolves to (relative to src/), else its package. */
export function loadPointName(fileRel: string, specifier: string): string {
  if (!specifier.startsWith('.')) return packageOf(specifier);
  return path.posix.join(path.posix.dirname(fileRel), specifier).replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
}

function literalText(node: ts.Node | undefined): string | null {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : null;
}

/** Whether the file imports `Worker` from node:worker_threads (BullMQ has a Worker class of its own). */
function importsThreadWorker(source: ts.SourceFile): boolean {
  return source.statements.some((s) => {
    if (!ts.isImportDeclaration(s) || !['node:worker_threads', 'worker_threads'].includes(literalText(s.moduleSpecifier) ?? '')) return false;
    const named = s.importClause?.namedBindings;
    return !!named && ts.isNamedImports(named) && named.elements.some((e) => e.name.text === 'Worker');
  });
}

/** The name of the function declaration that encloses `node`, if any. */
function enclosingFunctionName(node: ts.Node): string | null {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionDeclaration(n)) return n.name?.text ?? null;
  return null;
}

/** Whether `node` is a call of the function named `name` (not a type guard: one call can be checked for several names). */
const isCallTo = (node: ts.Node, name: string): boolean => ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name;

/**
 * The load points in one source file (`fileRel` relative to src/). A load that cannot be named (a
 * computed specifier) is returned as kind `unresolvable`, so it can never pass unnoticed. The generic
 * `createRequire(…)(name)` inside lazyRequire() itself is not one: its callers' lazyRequire('pkg') are.
 */
export function loadPointsInSource(fileRel: string, text: string): LoadPoint[] {
  const source = ts.createSourceFile(fileRel, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const threadWorker = importsThreadWorker(source);
  const found: LoadPoint[] = [];
  const at = (node: ts.Node) => `src/${fileRel}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const add = (node: ts.Node, kind: LoadPointKind, specifier: string | null, expr: ts.Node | undefined) => {
    if (specifier === null) found.push({ name: `${at(node)} ${expr?.getText() ?? '(no argument)'}`, kind: 'unresolvable', where: at(node) });
    else if (!isBuiltin(specifier)) found.push({ name: loadPointName(fileRel, specifier), kind, where: at(node) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const arg = node.arguments[0];
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, 'dynamic-import', literalText(arg), arg);
      else if (isCallTo(node, 'lazyRequire')) add(node, 'lazy-require', literalText(arg), arg);
      else if (isCallTo(node, 'require')) add(node, 'require', literalText(arg), arg);
      else if (isCallTo(node.expression, 'createRequire') && !(literalText(arg) === null && enclosingFunctionName(node) === 'lazyRequire')) add(node, 'require', literalText(arg), arg);
    }
    if (threadWorker && ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Worker') {
      found.push({ name: fileRel, kind: 'worker', where: at(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every .ts file under `dir` (declaration files excluded), as paths relative to it with forward slashes. */
export function sourceFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) return sourceFiles(dir, child);
      return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [child] : [];
    })
    .sort();
}

/** The load points of the whole server: bundle-config.mjs's lists plus every one in src/. */
export function collectLoadPoints(srcDir: string, bundleConfig: { EXTERNAL: readonly string[]; OWN_DIRNAME: readonly string[] }): LoadPoint[] {
  return [
    ...bundleConfig.EXTERNAL.map((name): LoadPoint => ({ name, kind: 'external', where: 'EXTERNAL in scripts/bundle-config.mjs' })),
    ...bundleConfig.OWN_DIRNAME.map((name): LoadPoint => ({ name, kind: 'own-dirname', where: 'OWN_DIRNAME in scripts/bundle-config.mjs' })),
    ...sourceFiles(srcDir).flatMap((file) => loadPointsInSource(file, readFileSync(path.join(srcDir, file), 'utf8'))),
  ];
}

/**
 * The names on a test file's `@covers` line (comma-separated; the line may list none), or null when
 * the file has no such line. Only the file's leading comment is read.
 */
export function coversTags(text: string): string[] | null {
  const header = /^\s*\/\*\*?([\s\S]*?)\*\//.exec(text)?.[1] ?? '';
  const line = /^\s*\*?\s*@covers\b(.*)$/m.exec(header);
  if (!line) return null;
  return line[1]!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface CoverageReport {
  /** Load points no test covers and not allowed to be uncovered: name → where it was found. */
  uncovered: string[];
  /** `@covers` names that are no load point (any more): `file: name`. */
  stale: string[];
  /** Allow-list entries that are no load point (any more). */
  staleAllowed: string[];
}

/** Which load points the tags leave uncovered, and which tags or allowed names name nothing. */
export function coverage(points: readonly LoadPoint[], tags: ReadonlyMap<string, readonly string[]>, allowed: readonly string[]): CoverageReport {
  const names = new Map<string, string[]>();
  for (const p of points) names.set(p.name, [...(names.get(p.name) ?? []), p.where]);
  const covered = new Set([...tags.values()].flat());
  return {
    uncovered: [...names]
      .filter(([name]) => !covered.has(name) && !allowed.includes(name))
      .map(([name, where]) => `${name} (${[...new Set(where)].join('; ')})`)
      .sort(),
    stale: [...tags].flatMap(([file, list]) => list.filter((name) => !names.has(name)).map((name) => `${file}: ${name}`)).sort(),
    staleAllowed: allowed.filter((name) => !names.has(name)),
  };
}
