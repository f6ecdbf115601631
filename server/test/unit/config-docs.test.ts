import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigTable, replaceConfigTable } from '../../src/config/docs.js';
import { configSchema } from '../../src/config/schema.js';

describe('README configuration table', () => {
  it('documents every setting of the schema', () => {
    const table = renderConfigTable();
    for (const name of Object.keys(configSchema.shape)) expect(table).toContain(`| \`${name}\` |`);
    expect(table).toContain('| `PORT` | `3001` |');
  });

  it('is in sync with the schema (run `npm run docs:config` after changing it)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(replaceConfigTable(readme)).toBe(readme);
  });
});
