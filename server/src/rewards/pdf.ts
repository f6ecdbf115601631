/**
 * Minimal PDF 1.4 writer: pages (A4 unless a page says otherwise) of Helvetica / Helvetica-Bold text, thin
 * lines and filled black rectangles. Uses the
 * standard 14 fonts (nothing embedded) with WinAnsiEncoding, so Swedish å/ä/ö print correctly,
 * uncompressed content streams and an exact cross-reference table. Deterministic: no dates, no ids.
 */

export interface PdfPageSize {
  width: number;
  height: number;
}

export const A4: PdfPageSize = { width: 595, height: 842 };
export const A5: PdfPageSize = { width: 420, height: 595 };

export interface PdfText {
  x: number;
  y: number;
  text: string;
  size?: number;
  bold?: boolean;
  /** 'right' makes x the right edge (for amounts in a column). */
  align?: 'left' | 'right';
}

export interface PdfRule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A filled black rectangle; (x, y) is its lower-left corner (e.g. one run of QR-code modules). */
export interface PdfBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PdfPage {
  texts: PdfText[];
  rules?: PdfRule[];
  boxes?: PdfBox[];
  /** Media box in points; A4 when absent. */
  size?: PdfPageSize;
}

// WinAnsiEncoding bytes 0x80–0x9F that differ from Latin-1; 0xA0–0xFF equal Unicode U+00A0–U+00FF.
const WIN_ANSI_EXTRA: Record<string, number> = {
  '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a,
  '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
  '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f, '−': 0x2d,
};

/** Unicode → WinAnsi bytes; characters the encoding lacks (and control characters) become '?'. */
export function encodeWinAnsi(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    const extra = WIN_ANSI_EXTRA[ch];
    if (extra !== undefined) bytes.push(extra);
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) bytes.push(code);
    else bytes.push(0x3f);
  }
  return bytes;
}

/** A PDF literal string: ( ) \ escaped, everything outside printable ASCII as octal, so the file body stays ASCII. */
export function pdfLiteral(bytes: number[]): string {
  let out = '(';
  for (const b of bytes) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b > 0x7e) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out})`;
}

/** Document info strings (not in a font's encoding) as UTF-16BE with a byte-order mark. */
function pdfUtf16(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

// Helvetica advance widths (AFM, 1/1000 em) for ASCII 32–126; bold differs only where listed.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const BOLD_DIFF: Record<string, number> = {
  '!': 333, '"': 474, '&': 722, "'": 238, ':': 333, ';': 333, '?': 611, '@': 975, A: 722, B: 722, J: 556, K: 722, L: 611,
  '[': 333, ']': 333, '^': 584, b: 611, c: 556, d: 611, f: 333, g: 611, h: 611, i: 278, j: 278, k: 556, l: 278, m: 889,
  n: 611, o: 611, p: 611, q: 611, r: 389, s: 556, t: 333, u: 611, v: 556, w: 778, x: 556, y: 556, '{': 389, '|': 280, '}': 389,
};

/** Width of text in points (non-ASCII letters counted as 556, close enough for å/ä/ö). */
export function textWidth(text: string, size: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const regular = code >= 32 && code <= 126 ? (HELVETICA[code - 32] ?? 556) : 556;
    units += bold ? (BOLD_DIFF[ch] ?? regular) : regular;
  }
  return (units * size) / 1000;
}

const num = (n: number): string => String(Math.round(n * 100) / 100);

function contentStream(page: PdfPage): string {
  const ops: string[] = [];
  for (const b of page.boxes ?? []) ops.push(`${num(b.x)} ${num(b.y)} ${num(b.width)} ${num(b.height)} re f`);
  for (const r of page.rules ?? []) ops.push(`0.5 w ${num(r.x1)} ${num(r.y1)} m ${num(r.x2)} ${num(r.y2)} l S`);
  for (const t of page.texts) {
    const size = t.size ?? 10;
    const x = t.align === 'right' ? t.x - textWidth(t.text, size, t.bold) : t.x;
    ops.push(`BT /${t.bold ? 'F2' : 'F1'} ${num(size)} Tf ${num(x)} ${num(t.y)} Td ${pdfLiteral(encodeWinAnsi(t.text))} Tj ET`);
  }
  return ops.join('\n');
}

/** Object bodies in order; object n is at index n − 1. */
function objects(pages: PdfPage[], title: string): string[] {
  const firstPage = 6;
  const kids = pages.map((_, i) => `${firstPage + 2 * i} 0 R`).join(' ');
  const font = (name: string): string => `<< /Type /Font /Subtype /Type1 /BaseFont /${name} /Encoding /WinAnsiEncoding >>`;
  const list = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`,
    font('Helvetica'),
    font('Helvetica-Bold'),
    `<< /Title ${pdfUtf16(title)} /Producer (Kvittra) >>`,
  ];
  pages.forEach((page, i) => {
    const content = contentStream(page);
    const size = page.size ?? A4;
    list.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(size.width)} ${num(size.height)}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${firstPage + 2 * i + 1} 0 R >>`,
      // Content is pure ASCII (see pdfLiteral), so its string length is its byte length.
      `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    );
  });
  return list;
}

export function buildPdf(pages: PdfPage[], title = ''): Buffer {
  if (pages.length === 0) throw new RangeError('a PDF needs at least one page');
  // The second line's bytes above 127 tell transfer tools the file is binary (PDF spec 7.5.2).
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0]?.length ?? 0;
  const offsets: number[] = [];
  objects(pages, title).forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1');
    chunks.push(chunk);
    offset += chunk.length;
  });
  const size = offsets.length + 1;
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, two-byte EOL.
  const entries = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  const trailer = `xref\n0 ${size}\n0000000000 65535 f \n${entries}trailer\n<< /Size ${size} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  chunks.push(Buffer.from(trailer, 'latin1'));
  return Buffer.concat(chunks);
}
