import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import { z } from 'zod';

/**
 * Shopify ids are 64-bit (e.g. 820982911946154508 > 2^53), so JSON.parse would
 * round them. lossless-json keeps every number as its source text instead.
 */
export function parseShopifyJson(rawBody: Buffer): unknown {
  try {
    return parseLossless(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
}

function numberText(value: unknown): unknown {
  return isLosslessNumber(value) ? value.toString() : value;
}

/** A numeric id (lossless number or digit string) as an exact decimal string. */
export const shopifyId = z.preprocess(numberText, z.string().regex(/^\d+$/));

/** A major-unit decimal; Shopify sends strings, but a bare JSON number keeps its exact text too. */
export const shopifyDecimal = z.preprocess(numberText, z.string());

/** A small non-negative integer such as a line-item quantity. */
export const shopifyCount = z.preprocess(
  (v) => (isLosslessNumber(v) ? Number(v.toString()) : v),
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
);
