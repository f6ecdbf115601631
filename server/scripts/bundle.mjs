// Bundles the server entry into one ES module (dist/kvittra.mjs) for `npm start` and production.
// Cold start was dominated by resolving and reading ~2,000 module files; one file loads in about half
// the CPU time. What remains is mostly V8 compiling the bundle, so: whitespace/syntax minification
// (identifiers keep their names: plugins and errors are reported by function name), and code
// splitting, so packages loaded with a dynamic import() live in dist/chunks/ and are only read when
// first used. Native addons and packages needed rarely stay external and resolve from node_modules.
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { EXTERNAL, OWN_DIRNAME } from './bundle-config.mjs';

const DIST = new URL('../dist/', import.meta.url).pathname;

/** Gives each file of OWN_DIRNAME packages its real __dirname/__filename, resolved at run time. */
const ownDirnamePlugin = {
  name: 'own-dirname',
  setup(b) {
    const escaped = OWN_DIRNAME.map((p) => p.replace(/[/.]/g, '\\$&')).join('|');
    const filter = new RegExp(`[\\\\/]node_modules[\\\\/](${escaped})[\\\\/].*\\.c?js$`);
    b.onLoad({ filter }, async (args) => {
      const file = args.path.split(path.sep).join('/');
      const at = file.lastIndexOf('/node_modules/');
      const pkg = OWN_DIRNAME.find((p) => file.startsWith(`${p}/`, at + 14));
      if (!pkg) return undefined; // a dependency nested inside one of them: bundled as usual
      const rel = file.slice(at + 14 + pkg.length + 1);
      const head = `var __filename = __kvPkgFile(${JSON.stringify(pkg)}, ${JSON.stringify(rel)}); var __dirname = __kvDirname(__filename); `; // same line: keeps source-map line numbers
      return { contents: head + (await readFile(args.path, 'utf8')), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

// CommonJS dependencies inside an ES module bundle still expect require/__dirname.
const BANNER = [
  "import { createRequire as __kvCreateRequire } from 'node:module';",
  "import { fileURLToPath as __kvToPath } from 'node:url';",
  "import { dirname as __kvDirname, join as __kvJoin } from 'node:path';",
  'const require = __kvCreateRequire(import.meta.url);',
  'const __filename = __kvToPath(import.meta.url);',
  'const __dirname = __kvDirname(__filename);',
  'const __kvPkgDirs = new Map();',
  "const __kvPkgFile = (pkg, rel) => { let dir = __kvPkgDirs.get(pkg); if (!dir) __kvPkgDirs.set(pkg, (dir = __kvDirname(require.resolve(pkg + '/package.json')))); return __kvJoin(dir, rel); };",
].join(' ');

/**
 * eslint puts ajv 6 at the top of node_modules, so npm nests a copy of ajv 8 under each of fastify's packages that
 * use it (@fastify/ajv-compiler, fast-json-stringify, ajv-formats) and the bundle carried three, each compiled and
 * evaluated at start. When the copies are the same version they are one package: alias them to one.
 */
function ajvAlias() {
  const require = createRequire(import.meta.url);
  const owners = ['@fastify/ajv-compiler', 'fast-json-stringify', 'ajv-formats'];
  const copies = owners.map((owner) => {
    const pkg = createRequire(require.resolve(`${owner}/package.json`)).resolve('ajv/package.json');
    return { dir: path.dirname(pkg), version: JSON.parse(readFileSync(pkg, 'utf8')).version };
  });
  if (new Set(copies.map((c) => c.version)).size !== 1) {
    console.warn(`bundle: ajv copies differ (${copies.map((c) => c.version).join(', ')}); not merged`);
    return {};
  }
  return { ajv: copies[0].dir };
}

/**
 * A dynamic import() of a CommonJS file becomes a chunk whose only export is `default`, while Node itself
 * (and tsx, which the unit tests run on) also gives the package's named exports: `const { Agent } = await
 * import('undici')` worked in every test on the sources and was undefined in the shipped bundle. Such an
 * import must go through an ES module that re-exports the names it needs (src/core/undici-exports.ts), so
 * the build refuses any chunk that is the target of a dynamic import and has a CommonJS entry point.
 */
export function commonJsDynamicImports(metafile) {
  const dynamicTargets = new Set(Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => i.path)));
  return Object.entries(metafile.outputs)
    .filter(([out, o]) => dynamicTargets.has(out) && o.entryPoint && metafile.inputs[o.entryPoint]?.format === 'cjs')
    .map(([out, o]) => ({ chunk: out, entryPoint: o.entryPoint, exports: o.exports }));
}

await rm(path.join(DIST, 'chunks'), { recursive: true, force: true });
const result = await build({
  entryPoints: { kvittra: new URL('../src/main.ts', import.meta.url).pathname },
  outdir: DIST,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  logLevel: 'warning',
  external: EXTERNAL,
  plugins: [ownDirnamePlugin],
  alias: ajvAlias(),
  banner: { js: BANNER },
  metafile: true,
});

const cjs = commonJsDynamicImports(result.metafile);
if (cjs.length > 0) {
  for (const c of cjs) console.error(`bundle: ${c.chunk} is a dynamic import of CommonJS ${c.entryPoint}; in the bundle it exports only [${c.exports.join(', ')}], not the named exports Node would give. Import it through an ES module that re-exports what the code uses (see src/core/undici-exports.ts).`);
  process.exit(1);
}
