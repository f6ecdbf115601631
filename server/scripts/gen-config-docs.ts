import { readFileSync, writeFileSync } from 'node:fs';
import { replaceConfigTable } from '../src/config/docs.js';

const file = new URL('../../README.md', import.meta.url);
writeFileSync(file, replaceConfigTable(readFileSync(file, 'utf8')));
console.log('README.md configuration table regenerated');
