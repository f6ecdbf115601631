import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { PlatformHandle } from '../../helpers/platform.js';
import type { ConnectionSetup } from '../../helpers/fixtures.js';
import { ingestSale } from '../../helpers/customer.js';

/** HH:MM of an instant in Stockholm: what a customer reads off the receipt. */
export function stockholmHHMM(iso: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

let amountSeq = 0;

/** A real signed Square webhook for a sale a minute ago, with an amount no other test uses. */
export async function freshSale(p: PlatformHandle, c: ConnectionSetup): Promise<{ amountMinor: number; amountText: string; time: string; occurredAt: string; last4: string }> {
  const amountMinor = 12_350 + 1_000 * amountSeq++;
  const sale = await ingestSale(p, c, amountMinor, 1);
  const amountText = `${Math.floor(amountMinor / 100)},${String(amountMinor % 100).padStart(2, '0')}`; // Swedish decimal comma
  return { amountMinor, amountText, time: stockholmHHMM(sale.occurredAt), occurredAt: sale.occurredAt, last4: sale.last4! };
}

/** Waits for a journey step; on timeout the error shows what the phone displayed instead. */
export async function expectStep(page: Page, name: string): Promise<void> {
  try {
    await page.locator(`[data-step="${name}"]`).waitFor();
  } catch (err) {
    const shown = await page.locator('main').innerText().catch(() => '(no main)');
    throw new Error(`step "${name}" did not appear; the page shows:\n${shown}\n${(err as Error).message}`);
  }
}

/**
 * A session started over HTTP the way the app does it (with the current consent when the server asks
 * for one), used to play "someone else" in a test.
 */
export async function apiSession(p: PlatformHandle, by: { qrToken: string }) {
  const consent = await p.api('GET', '/api/v1/consent');
  const body = { ...by, locale: 'sv', ...(consent.status === 200 ? { consent: { accepted: true, version: consent.body.version } } : {}) };
  const res = await p.api('POST', '/api/v1/feedback-sessions', body, { 'x-device-id': `e2e-other-${Date.now()}` });
  if (res.status !== 201) throw new Error(`apiSession: ${res.status} ${res.text}`);
  const { sessionId, sessionToken } = res.body as { sessionId: string; sessionToken: string };
  return (method: string, path: string, b?: unknown) => p.api(method, `/api/v1/feedback-sessions/${sessionId}${path}`, b, { authorization: `Bearer ${sessionToken}` });
}

/** Shop → consent → purchase form, in Swedish. */
export async function throughConsent(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expectStep(page, 'shop');
  await page.getByRole('button', { name: 'Kom igång' }).click();
  await expectStep(page, 'consent');
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Jag godkänner' }).click();
  await expectStep(page, 'purchase');
}

export async function fillPurchase(page: Page, amount: string, time: string): Promise<void> {
  await page.getByLabel('Belopp (kr)', { exact: true }).fill(amount);
  await page.getByLabel('Tid för köpet', { exact: true }).fill(time);
}

/** A card purchase: the app asks for the card's last four digits, which the customer reads off the receipt. */
export async function giveCardDigits(page: Page, last4: string): Promise<void> {
  expect(await alertText(page)).toContain('Ange de fyra sista siffrorna på kortet');
  await page.getByLabel('Kortets fyra sista siffror', { exact: true }).fill(last4);
  await page.getByRole('button', { name: 'Hitta mitt köp' }).click();
}

export async function alertText(page: Page): Promise<string> {
  const alert = page.getByTestId('error');
  await alert.waitFor();
  const text = (await alert.textContent()) ?? '';
  expect(text.length).toBeGreaterThan(0);
  return text;
}
