import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPosterPdf, POSTER_TEXT, posterFilename, wrapText, type PosterInput } from '../../src/locations/poster.js';
import { qrMatrix } from '../../src/locations/qr.js';
import { A5, encodeWinAnsi, textWidth } from '../../src/rewards/pdf.js';
import { hasTool, pdfProblems, pdfTextRuns } from '../rewards/pdf-check.js';

const dir = mkdtempSync(join(tmpdir(), 'kvittra-poster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INPUT: PosterInput = {
  businessName: 'Kafé Ärlig & Söner',
  locationName: 'Götgatan 12, Malmö',
  qrUrl: 'https://kvittra.se/f/abcDEF123_-xyz456',
  storeCodeUrl: 'https://kvittra.se/s',
  storeCode: '482913',
};
const pdf = buildPosterPdf(INPUT);
const body = pdf.toString('latin1');

/** Rebuilds the module matrix from the drawn `re f` boxes (cell size = the smallest box height). */
function drawnMatrix(src: string): boolean[][] {
  const boxes = [...src.matchAll(/^([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re f$/gm)].map((m) => m.slice(1, 5).map(Number) as [number, number, number, number]);
  const left = Math.min(...boxes.map((b) => b[0]));
  const top = Math.max(...boxes.map((b) => b[1] + b[3]));
  const cell = Math.min(...boxes.map((b) => b[3]));
  const size = Math.round((Math.max(...boxes.map((b) => b[0] + b[2])) - left) / cell);
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const [x, y, w, h] of boxes) {
    const row = Math.round((top - y - h) / cell);
    const from = Math.round((x - left) / cell);
    for (let c = from; c < from + Math.round(w / cell); c++) grid[row]![c] = true;
  }
  return grid;
}

describe('buildPosterPdf', () => {
  it('is a structurally valid one-page A5 PDF', () => {
    expect(body.startsWith('%PDF-')).toBe(true);
    expect(pdfProblems(pdf)).toEqual([]);
    expect(body).toContain(`/MediaBox [0 0 ${A5.width} ${A5.height}]`);
    expect(body).toContain('/Count 1');
  });

  it('prints names, the Swedish and English call to action, the store code and the brand', () => {
    const runs = pdfTextRuns(pdf);
    expect(runs).toEqual(expect.arrayContaining([INPUT.businessName, INPUT.locationName, POSTER_TEXT.callToActionEn, '482913', 'Kvittra']));
    expect(runs.join(' ')).toContain(POSTER_TEXT.callToAction);
    expect(runs.join(' ')).toContain('Ingen kamera? Gå till kvittra.se/s och skriv koden');
  });

  it('draws exactly the QR code of the customer link as vector squares', () => {
    expect(drawnMatrix(body)).toEqual(qrMatrix(INPUT.qrUrl));
    expect(drawnMatrix(body)).not.toEqual(qrMatrix(`${INPUT.qrUrl}x`));
  });

  it('leaves the store-code lines out when the location has none', () => {
    const runs = pdfTextRuns(buildPosterPdf({ ...INPUT, storeCode: null }));
    expect(runs.some((r) => r.includes('Ingen kamera'))).toBe(false);
    expect(runs).not.toContain('482913');
  });

  it('is deterministic', () => {
    expect(buildPosterPdf(INPUT).equals(pdf)).toBe(true);
  });

  it('stays valid for any names and keeps them readable (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 200 }), (businessName, locationName) => {
        const out = buildPosterPdf({ ...INPUT, businessName, locationName });
        expect(pdfProblems(out)).toEqual([]);
        const decoded = (s: string) => Buffer.from(encodeWinAnsi(s)).toString('latin1');
        const runs = pdfTextRuns(out).map(decoded);
        expect(runs).toContain(decoded(locationName));
      }),
      { numRuns: 60 },
    );
  });

  it('shrinks a long business name to fit the page width', () => {
    const name = 'Aktiebolaget Stora Kopparbergs Bergslags Kafé och Konditori';
    const m = new RegExp(`/F2 ([\\d.]+) Tf ([\\d.]+) 540 Td`).exec(buildPosterPdf({ ...INPUT, businessName: name }).toString('latin1'));
    expect(m).not.toBeNull();
    const [size, x] = [Number(m![1]), Number(m![2])];
    expect(size).toBeLessThan(24);
    expect(x).toBeGreaterThanOrEqual(35);
    expect(x + textWidth(name, size, true)).toBeLessThanOrEqual(A5.width - 35);
  });

  it.skipIf(!hasTool('pdftotext') && process.env.CI !== 'true')('pdftotext reads the texts incl. å/ä/ö and pdfinfo reports A5', () => {
    const file = join(dir, 'poster.pdf');
    writeFileSync(file, pdf);
    const out = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const expected of [INPUT.businessName, INPUT.locationName, POSTER_TEXT.callToAction, POSTER_TEXT.callToActionEn, '482913', 'Kvittra']) expect(out).toContain(expected);
    const info = execFileSync('pdfinfo', ['-enc', 'UTF-8', file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+420 x 595 pts \(A5\)/);
    expect(info).toMatch(/Title:\s+Kvittra – Götgatan 12, Malmö/);
  });

  it.skipIf(!hasTool('qpdf') && process.env.CI !== 'true')('qpdf --check finds no errors', () => {
    const file = join(dir, 'poster-check.pdf');
    writeFileSync(file, pdf);
    expect(execFileSync('qpdf', ['--check', file], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors found');
  });
});

describe('wrapText', () => {
  it('keeps every word, in order, and wraps only where a line would overflow (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-zåäö]{1,12}$/), { minLength: 1, maxLength: 30 }), (words) => {
        const lines = wrapText(words.join(' '), 17, true);
        expect(lines.join(' ')).toBe(words.join(' '));
        lines.forEach((line, i) => {
          expect(textWidth(line, 17, true)).toBeLessThanOrEqual(348);
          const next = lines[i + 1];
          if (next) expect(textWidth(`${line} ${next.split(' ')[0]}`, 17, true)).toBeGreaterThan(348);
        });
      }),
    );
  });
});

describe('posterFilename', () => {
  it('folds Swedish letters and drops anything unsafe in a header', () => {
    expect(posterFilename('Götgatan 12, Malmö', 'id')).toBe('kvittra-affisch-gotgatan-12-malmo.pdf');
    expect(posterFilename('"; rm -rf /\r\n', 'loc-1')).toBe('kvittra-affisch-rm-rf.pdf');
    expect(posterFilename('日本', 'loc-1')).toBe('kvittra-affisch-loc-1.pdf');
  });

  it('is always a plain ASCII name (property)', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(posterFilename(name, '0192f0c8-aaaa-7bbb-8ccc-123456789abc')).toMatch(/^kvittra-affisch-[a-z0-9-]+\.pdf$/);
      }),
    );
  });
});
