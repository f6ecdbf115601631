import QRCode from 'qrcode';

/** Static QR codes: they encode only the location's public URL, valid until the merchant rotates the token. */
const OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 2 };

export function qrPng(url: string, size = 512): Promise<Buffer> {
  return QRCode.toBuffer(url, { ...OPTIONS, type: 'png', width: size });
}

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { ...OPTIONS, type: 'svg' });
}

/** The module matrix (true = dark), same error correction as the PNG/SVG, for drawing the code as vector squares. */
export function qrMatrix(url: string): boolean[][] {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: OPTIONS.errorCorrectionLevel });
  return Array.from({ length: modules.size }, (_, row) => Array.from({ length: modules.size }, (_, col) => modules.get(row, col) === 1));
}
