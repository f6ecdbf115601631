import QRCode from 'qrcode';

/** Static QR codes: they encode only the location's public URL, valid until the merchant rotates the token. */
const OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 2 };

export function qrPng(url: string, size = 512): Promise<Buffer> {
  return QRCode.toBuffer(url, { ...OPTIONS, type: 'png', width: size });
}

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { ...OPTIONS, type: 'svg' });
}
