/**
 * An independent reader for the PDFs our writer makes: checks the file structure a viewer relies on
 * (header, cross-reference offsets, stream lengths, trailer, page tree) and pulls out the text shown
 * by Tj operators. Written from the PDF 1.4 spec, not from src/rewards/pdf.ts.
 */
import { execFileSync } from 'node:child_process';

export function hasTool(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const text = (buf: Buffer): string => buf.toString('latin1');

/** Returns every structural problem found; an empty list means a reader can open the file. */
export function pdfProblems(buf: Buffer): string[] {
  const s = text(buf);
  const problems: string[] = [];
  if (!s.startsWith('%PDF-1.4\n')) problems.push('missing %PDF-1.4 header');
  if (!/%%EOF\r?\n?$/.test(s)) problems.push('missing %%EOF at the end');
  const start = /startxref\r?\n(\d+)\r?\n%%EOF\r?\n?$/.exec(s);
  if (!start) return [...problems, 'missing startxref'];
  const xrefAt = Number(start[1]);
  if (s.slice(xrefAt, xrefAt + 4) !== 'xref') return [...problems, `startxref ${xrefAt} does not point at "xref"`];
  const head = /^xref\r?\n0 (\d+)\r?\n/.exec(s.slice(xrefAt));
  if (!head) return [...problems, 'malformed xref subsection header'];
  const count = Number(head[1]);
  const table = s.slice(xrefAt + head[0].length, xrefAt + head[0].length + 20 * count);
  if (table.slice(0, 20) !== '0000000000 65535 f \n' && table.slice(0, 20) !== '0000000000 65535 f\r\n') problems.push('xref entry 0 is not the free-list head');
  for (let i = 1; i < count; i++) {
    const entry = table.slice(20 * i, 20 * i + 20);
    const m = /^(\d{10}) (\d{5}) n(?: \n|\r\n| \r)$/.exec(entry);
    if (!m) {
      problems.push(`xref entry ${i} is not 20 bytes in the right form: ${JSON.stringify(entry)}`);
      continue;
    }
    const offset = Number(m[1]);
    if (!s.startsWith(`${i} 0 obj`, offset)) problems.push(`xref entry ${i} points at offset ${offset}, which is not "${i} 0 obj"`);
  }
  const trailer = s.slice(xrefAt + head[0].length + 20 * count);
  if (!new RegExp(`^trailer\\r?\\n<<[^]*/Size ${count}\\b`).test(trailer)) problems.push(`trailer /Size is not ${count}`);
  if (!/\/Root 1 0 R/.test(trailer)) problems.push('trailer has no /Root 1 0 R');
  problems.push(...streamProblems(s));
  const declared = /\/Type \/Pages[^>]*\/Count (\d+)/.exec(s);
  const pages = s.match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
  if (!declared || Number(declared[1]) !== pages) problems.push(`page tree /Count ${declared?.[1]} but ${pages} page objects`);
  return problems;
}

function streamProblems(s: string): string[] {
  const problems: string[] = [];
  const re = /<< \/Length (\d+) >>\nstream\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const begin = m.index + m[0].length;
    const end = begin + Number(m[1]);
    if (!/^\r?\nendstream/.test(s.slice(end))) problems.push(`stream at ${begin}: /Length ${m[1]} does not end at "endstream"`);
  }
  return problems;
}

// WinAnsi bytes 0x80–0x9F we may meet; the rest of 0xA0–0xFF is Latin-1.
const WIN_ANSI_HIGH: Record<number, string> = { 0x80: '€', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—' };

function decodeLiteral(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    let code = body.charCodeAt(i);
    if (body[i] === '\\') {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1));
      if (octal) {
        code = parseInt(octal[0], 8);
        i += octal[0].length;
      } else {
        code = body.charCodeAt(++i);
      }
    }
    out += WIN_ANSI_HIGH[code] ?? String.fromCharCode(code);
  }
  return out;
}

/** The strings drawn with Tj, in drawing order, decoded to Unicode. */
export function pdfTextRuns(buf: Buffer): string[] {
  const runs: string[] = [];
  for (const m of text(buf).matchAll(/\(((?:\\[^]|[^\\)])*)\)\s*Tj/g)) runs.push(decodeLiteral(m[1] ?? ''));
  return runs;
}
