// What scripts/bundle.mjs leaves outside the bundle or loads from its package folder at run time. Kept in
// its own module so test/shipped/load-points.test.ts can require a shipped test for each of them: such a
// dependency is resolved only when the built server runs, so only a test of the built server proves it.

export const EXTERNAL = [
  'better-sqlite3', // native addon
  '@node-rs/argon2', // native addon
  'pg-native',
  'bufferutil',
  'utf-8-validate',
  'bullmq', // loads its Lua scripts from its package directory
  'exceljs', // large, only for spreadsheet import/export
  'nodemailer', // only with SMTP_URL
  'thread-stream', // loaded with pino at every start; its worker file (for pino's transports, which the server does not use) is started by path
];

// Bundled packages that find files next to their own code (swagger-ui's static folder and logo, pino's
// transport worker): their __dirname must be their folder in node_modules, not dist/.
export const OWN_DIRNAME = ['@fastify/swagger-ui', 'pino'];
