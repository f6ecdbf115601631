// Types for scripts/bundle-config.mjs, imported by test/shipped/load-points.test.ts.
export const EXTERNAL: string[];
export const OWN_DIRNAME: string[];
