import { A5, buildPdf, textWidth, type PdfBox, type PdfText } from '../rewards/pdf.js';
import { qrMatrix } from './qr.js';

/**
 * The printable A5 counter poster: business and location name, the location's QR code drawn as vector
 * squares (sharp at any print size), the store code for shops without POS, and the call to action.
 */
export interface PosterInput {
  businessName: string;
  locationName: string;
  /** The URL the QR code encodes (the location's customer link). */
  qrUrl: string;
  /** Where customers type the store code, e.g. https://kvittra.se/s. */
  storeCodeUrl: string;
  storeCode: string | null;
}

export const POSTER_TEXT = {
  callToAction: 'Skanna och berätta vad du tyckte – få pengar tillbaka',
  callToActionEn: 'Scan and tell us what you thought – get money back',
  storeCodeIntro: 'Ingen kamera? Gå till {url} och skriv koden',
  storeCodeIntroEn: 'No camera? Go to {url} and type the code',
  brand: 'Kvittra',
} as const;

const MARGIN = 36;
const WIDTH = A5.width - 2 * MARGIN;
const QR_SIDE = 220;
const QR_TOP = 470;

/** Shrinks the font until the text fits the width (long business names), but never below the minimum. */
function fitSize(text: string, size: number, bold: boolean, min = 9): number {
  let s = size;
  while (s > min && textWidth(text, s, bold) > WIDTH) s -= 0.5;
  return s;
}

/** Greedy word wrap to the printable width. */
export function wrapText(text: string, size: number, bold: boolean): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, size, bold) > WIDTH) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function centered(text: string, y: number, size: number, bold = false): PdfText {
  return { x: (A5.width - textWidth(text, size, bold)) / 2, y, text, size, bold };
}

/** Dark modules as boxes; horizontal runs are merged so a code is a few hundred rectangles, not thousands. */
export function qrBoxes(matrix: boolean[][], left: number, top: number, side: number): PdfBox[] {
  const cell = side / matrix.length;
  const boxes: PdfBox[] = [];
  matrix.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      if (!row[c]) continue;
      const start = c;
      while (row[c + 1]) c++;
      boxes.push({ x: left + start * cell, y: top - (r + 1) * cell, width: (c - start + 1) * cell, height: cell });
    }
  });
  return boxes;
}

function header(input: PosterInput): PdfText[] {
  return [
    centered(input.businessName, 540, fitSize(input.businessName, 24, true), true),
    centered(input.locationName, 512, fitSize(input.locationName, 15, false)),
  ];
}

function callToAction(): PdfText[] {
  const texts: PdfText[] = [];
  let y = QR_TOP - QR_SIDE - 34;
  for (const line of wrapText(POSTER_TEXT.callToAction, 17, true)) {
    texts.push(centered(line, y, 17, true));
    y -= 21;
  }
  texts.push(centered(POSTER_TEXT.callToActionEn, y - 2, fitSize(POSTER_TEXT.callToActionEn, 11, false)));
  return texts;
}

function storeCode(input: PosterInput): PdfText[] {
  if (!input.storeCode) return [];
  const where = input.storeCodeUrl.replace(/^https?:\/\//, '');
  const sv = POSTER_TEXT.storeCodeIntro.replace('{url}', where);
  const en = POSTER_TEXT.storeCodeIntroEn.replace('{url}', where);
  return [centered(sv, 132, fitSize(sv, 11, false)), centered(en, 118, fitSize(en, 9, false)), centered(input.storeCode, 84, 30, true)];
}

export function buildPosterPdf(input: PosterInput): Buffer {
  const left = (A5.width - QR_SIDE) / 2;
  const texts = [...header(input), ...callToAction(), ...storeCode(input), centered(POSTER_TEXT.brand, 40, 14, true)];
  return buildPdf([{ size: A5, texts, boxes: qrBoxes(qrMatrix(input.qrUrl), left, QR_TOP, QR_SIDE) }], `Kvittra – ${input.locationName}`);
}

/** An ASCII-only download name (å/ä → a, ö → o, everything else → '-'), safe inside a quoted header value. */
export function posterFilename(locationName: string, locationId: string): string {
  const slug = locationName
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `kvittra-affisch-${slug || locationId}.pdf`;
}
