import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPdf, encodeWinAnsi, pdfLiteral, textWidth, type PdfPage } from '../../src/rewards/pdf.js';
import { hasTool, pdfProblems, pdfTextRuns } from './pdf-check.js';

const dir = mkdtempSync(join(tmpdir(), 'kvittra-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PAGE: PdfPage = {
  texts: [
    { x: 56, y: 780, text: 'Månadsbesked', size: 20, bold: true },
    { x: 56, y: 750, text: 'Åsa (Öst) \\ Ärligt – 5 €' },
    { x: 539, y: 730, text: '1 250,00 kr', align: 'right' },
  ],
  rules: [{ x1: 56, y1: 700, x2: 539, y2: 700 }],
};

describe('encodeWinAnsi / pdfLiteral', () => {
  it.each([
    ['abc', [0x61, 0x62, 0x63]],
    ['åäöÅÄÖé', [0xe5, 0xe4, 0xf6, 0xc5, 0xc4, 0xd6, 0xe9]],
    ['–—€’', [0x96, 0x97, 0x80, 0x92]],
    ['−5', [0x2d, 0x35]], // the Unicode minus prints as a hyphen
    ['日\n\u0001😀', [0x3f, 0x3f, 0x3f, 0x3f]], // not in the encoding, or control characters
  ])('%j → %j', (input, bytes) => {
    expect(encodeWinAnsi(input)).toEqual(bytes);
  });

  it('escapes delimiters and writes bytes outside printable ASCII as octal', () => {
    expect(pdfLiteral(encodeWinAnsi('a(b)c\\d'))).toBe('(a\\(b\\)c\\\\d)');
    expect(pdfLiteral(encodeWinAnsi('Må'))).toBe('(M\\345)');
  });
});

describe('textWidth', () => {
  it('uses Helvetica metrics', () => {
    expect(textWidth('0', 10)).toBeCloseTo(5.56);
    expect(textWidth('1 250,00 kr', 10)).toBeCloseTo((6 * 556 + 3 * 278 + 500 + 333) / 100); // 6 digits, 2 spaces and a comma, k, r
    expect(textWidth('m', 10, true)).toBeCloseTo(8.89);
    expect(textWidth('m', 10)).toBeCloseTo(8.33);
  });
});

describe('buildPdf', () => {
  const pdf = buildPdf([PAGE, { texts: [{ x: 56, y: 780, text: 'Sida 2' }] }], 'Prov – Åre');

  it('has a valid structure: header, exact xref offsets, stream lengths, trailer, %%EOF', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toBe('%%EOF\n');
    expect(pdfProblems(pdf)).toEqual([]);
  });

  it('the structure check notices a wrong offset or stream length', () => {
    const tamper = (from: string, to: string): string[] => pdfProblems(Buffer.from(pdf.toString('latin1').replace(from, to), 'latin1'));
    // Object 1 follows the 9-byte header line and the 6-byte binary comment line.
    expect(tamper('0000000015 00000 n', '0000000016 00000 n').join('\n')).toMatch(/xref entry 1 points at offset 16/);
    const length = /\/Length (\d+)/.exec(pdf.toString('latin1'))?.[1] ?? '';
    expect(tamper(`/Length ${length} `, `/Length ${Number(length) - 1} `).join('\n')).toMatch(/does not end at "endstream"/);
  });

  it('draws the texts with right alignment applied', () => {
    expect(pdfTextRuns(pdf)).toEqual(['Månadsbesked', 'Åsa (Öst) \\ Ärligt – 5 €', '1 250,00 kr', 'Sida 2']);
    const x = 539 - textWidth('1 250,00 kr', 10);
    expect(pdf.toString('latin1')).toContain(`/F1 10 Tf ${Math.round(x * 100) / 100} 730 Td (1 250,00 kr) Tj`);
  });

  it('is deterministic', () => {
    expect(buildPdf([PAGE, { texts: [{ x: 56, y: 780, text: 'Sida 2' }] }], 'Prov – Åre').equals(pdf)).toBe(true);
  });

  it('needs at least one page', () => {
    expect(() => buildPdf([])).toThrow(RangeError);
  });

  // Real readers, where installed (apt-get install poppler-utils qpdf); the checks above always run.
  it.skipIf(!hasTool('pdftotext') && process.env.CI !== 'true')('pdftotext reads the text and pdfinfo the title and page count', () => {
    const file = join(dir, 'sample.pdf');
    writeFileSync(file, pdf);
    const out = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    for (const expected of ['Månadsbesked', 'Åsa (Öst) \\ Ärligt – 5 €', '1 250,00 kr', 'Sida 2']) expect(out).toContain(expected);
    const info = execFileSync('pdfinfo', ['-enc', 'UTF-8', file], { encoding: 'utf8' });
    expect(info).toMatch(/Title:\s+Prov – Åre/);
    expect(info).toMatch(/Pages:\s+2/);
    expect(info).toMatch(/Page size:\s+595 x 842 pts \(A4\)/);
  });

  it.skipIf(!hasTool('qpdf') && process.env.CI !== 'true')('qpdf --check finds no errors', () => {
    const file = join(dir, 'check.pdf');
    writeFileSync(file, pdf);
    const out = execFileSync('qpdf', ['--check', file], { encoding: 'utf8' });
    expect(out).toContain('No syntax or stream encoding errors found');
  });
});
