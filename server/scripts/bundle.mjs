// Bundles the server entry into one ES module (dist/kvittra.mjs) for `npm start` and production.
// Cold start was dominated by resolving and reading ~2,000 module files; one file loads in about half
// the CPU time. Packages that locate files next to their own code at run time, native addons and
// optional heavy ones (loaded lazily) stay external and are resolved from node_modules as usual.
import { build } from 'esbuild';

const EXTERNAL = [
  'better-sqlite3', // native addon
  '@node-rs/argon2', // native addon
  'pg-native',
  'bufferutil',
  'utf-8-validate',
  '@fastify/swagger-ui', // serves its static folder from its package directory
  'bullmq', // loads its Lua scripts from its package directory
  'exceljs', // large, only for spreadsheet import/export
  'nodemailer', // only with SMTP_URL
  'pino', // worker-thread transports resolve files by path
  'thread-stream',
];

await build({
  entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
  outfile: new URL('../dist/kvittra.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: EXTERNAL,
  // CommonJS dependencies inside an ES module bundle still expect require/__dirname.
  banner: {
    js: "import { createRequire as __kvCreateRequire } from 'node:module'; import { fileURLToPath as __kvToPath } from 'node:url'; import { dirname as __kvDirname } from 'node:path'; const require = __kvCreateRequire(import.meta.url); const __filename = __kvToPath(import.meta.url); const __dirname = __kvDirname(__filename);",
  },
});
