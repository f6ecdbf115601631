/**
 * The parts of undici the server uses, re-exported from an ES module. undici is CommonJS: Node's own
 * `import('undici')` gives its named exports, but in the esbuild bundle a dynamic import of a CommonJS
 * package becomes a chunk that exports only `default`, so `const { Agent } = await import('undici')`
 * got undefined and every outbound request failed ("Agent is not a constructor"). Importing this module
 * instead makes esbuild emit a chunk with these named exports; scripts/bundle.mjs refuses a dynamic
 * import of CommonJS so the mistake cannot come back.
 */
export { Agent, Pool, request } from 'undici';
