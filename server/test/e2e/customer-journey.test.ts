import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ServedPlatform } from '../helpers/served-platform.js';
import { startE2EPlatform } from './helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { locationQr, RICH_FEEDBACK_SV, squareSetup } from '../helpers/customer.js';
import { launch, newPhonePage, pageProblems, screenshot } from './helpers/browser.js';
import { alertText, apiSession, expectStep, fillPurchase, freshSale, giveCardDigits, throughConsent } from './helpers/customer-flow.js';

const QUESTION_SV = 'Hur hittade du till oss första gången?';

describe('customer PWA on a phone (390×844), against real webhook-ingested purchases', () => {
  let p: ServedPlatform;
  let browser: Browser;
  let c: ConnectionSetup;
  let qrToken: string;
  let storeCode: string;
  const contexts: BrowserContext[] = [];

  async function phone(): Promise<Page> {
    const { context, page } = await newPhonePage(browser, { baseUrl: p.baseUrl });
    contexts.push(context);
    return page;
  }

  beforeAll(async () => {
    p = await startE2EPlatform();
    browser = await launch();
    c = await squareSetup(p);
    ({ qrToken, storeCode } = await locationQr(p, c));
    // The business's own question makes the assistant's first follow-up predictable.
    const q = await p.admin('POST', `/admin/businesses/${c.businessId}/questions`, { text: QUESTION_SV });
    expect(q.status, q.text).toBe(201);
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => undefined);
    await browser?.close();
    await p?.stop();
  });

  it('QR → consent → verify → text feedback → follow-up answered → finish → reward → Swish number → thank-you', async () => {
    const sale = await freshSale(p, c);
    const page = await phone();
    await page.goto(`/f/${qrToken}`);
    await expectStep(page, 'shop');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Kafé Test');
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    await screenshot(page, 'customer-1-shop');

    await page.getByRole('button', { name: 'Kom igång' }).click();
    await expectStep(page, 'consent');
    expect(((await page.getByTestId('consent-text').textContent()) ?? '').length).toBeGreaterThan(50);
    await page.getByRole('button', { name: 'Jag godkänner' }).click(); // not ticked yet
    await page.getByText('Du behöver godkänna för att fortsätta.').waitFor();
    await screenshot(page, 'customer-2-consent');
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Jag godkänner' }).click();

    await expectStep(page, 'purchase');
    // Time defaults to now (HH:MM); the customer types the receipt's amount with a decimal comma.
    expect(await page.getByLabel('Tid för köpet', { exact: true }).inputValue()).toMatch(/^\d\d:\d\d$/);
    await fillPurchase(page, sale.amountText, sale.time);
    await screenshot(page, 'customer-3-purchase');
    await page.getByRole('button', { name: 'Hitta mitt köp' }).click();
    // The POS sent the card's last four digits for this purchase, so the app asks for them.
    await page.getByLabel('Kortets fyra sista siffror', { exact: true }).waitFor();
    await giveCardDigits(page, sale.last4);

    await expectStep(page, 'feedback');
    expect(await page.getByTestId('step-notice').textContent()).toBe('Köpet är bekräftat!');
    // No transcription service in this platform: voice is hidden with an explanation, typing works.
    expect(await page.getByTestId('voice-unavailable').textContent()).toContain('Röstfeedback är inte tillgänglig');
    await page.getByLabel('Din feedback', { exact: true }).fill(RICH_FEEDBACK_SV);
    await screenshot(page, 'customer-4-feedback');
    await page.getByRole('button', { name: 'Skicka feedback' }).click();

    await expectStep(page, 'follow-up');
    expect(await page.getByTestId('follow-up-question').textContent()).toBe(QUESTION_SV);
    await page.getByLabel('Ditt svar', { exact: true }).fill('Jag hittade hit via en kollega som tipsade om kanelbullarna, och jag kommer tillbaka.');
    await screenshot(page, 'customer-5-follow-up');
    await page.getByRole('button', { name: 'Svara' }).click();

    // A second follow-up may come (at most two); the customer finishes there instead of answering.
    // Locators, not waitForFunction: a string predicate is eval'd in the page, which the CSP (no unsafe-eval) refuses
    // whenever the answer is not there at the first check.
    await page.locator('[data-step="result"]').or(page.getByTestId('follow-up-question').filter({ hasNotText: QUESTION_SV })).first().waitFor();
    if (await page.locator('[data-step="follow-up"]').count()) await page.getByRole('button', { name: 'Avsluta och se resultat' }).click();

    await expectStep(page, 'result');
    const score = Number(await page.getByTestId('score').textContent());
    expect(score).toBeGreaterThanOrEqual(60);
    expect(await page.getByTestId('tier').textContent()).toMatch(/^(Brons|Silver|Guld)$/);
    expect(await page.getByTestId('reward').textContent()).toMatch(/kr/);
    expect(((await page.getByTestId('reward-explanation').textContent()) ?? '')).toContain('poäng');
    await screenshot(page, 'customer-6-result');
    await page.getByRole('button', { name: 'Ange Swish-nummer' }).click();

    await expectStep(page, 'payout');
    await page.getByLabel('Mobilnummer', { exact: true }).fill('12345');
    await page.getByRole('button', { name: 'Spara nummer' }).click();
    await page.getByText('Ange ett svenskt mobilnummer, t.ex. 070-123 45 67.').waitFor();
    await page.getByLabel('Mobilnummer', { exact: true }).fill('070-123 45 67');
    await screenshot(page, 'customer-7-payout');
    await page.getByRole('button', { name: 'Spara nummer' }).click();

    await expectStep(page, 'thanks');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Tack för din feedback!');
    expect(await page.getByTestId('paid').textContent()).toMatch(/\+4670/);
    await screenshot(page, 'customer-8-thanks');

    // Installable: the service worker registered by the customer area controls its scope.
    const scope = await page.evaluate("Promise.race([navigator.serviceWorker.ready.then((r) => r.scope), new Promise((ok) => setTimeout(() => ok('not ready'), 10000))])");
    expect(scope).toBe(`${p.baseUrl}/`);
    expect(pageProblems(page)).toEqual([]);

    // The server agrees: one completed session with the Swish number registered.
    const rows = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['status', 'phone_hash']).where('business_id', '=', c.businessId).where('status', '=', 'completed').execute();
    expect(rows.some((r) => r.phone_hash !== null)).toBe(true);
  });

  it('no purchase found, a purchase someone else used and an expired session are explained, with a way on', async () => {
    const sale = await freshSale(p, c);
    const page = await phone();
    await throughConsent(page, `/f/${qrToken}`);

    await fillPurchase(page, '9999,00', sale.time);
    await page.getByRole('button', { name: 'Hitta mitt köp' }).click();
    expect(await alertText(page)).toContain('Vi hittade inget köp');
    await screenshot(page, 'customer-error-no-purchase');

    // Someone else (another session) claims the purchase first.
    const other = await apiSession(p, { qrToken });
    const v = await other('POST', '/verify', { amount: (sale.amountMinor / 100).toFixed(2), purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
    expect(v.status, v.text).toBe(200);

    // The real customer is answered exactly as for a purchase that does not exist (a guesser must not learn
    // that it does), and the answer shows the way on: the shop's own check through the store code.
    await fillPurchase(page, sale.amountText, sale.time);
    await page.getByRole('button', { name: 'Hitta mitt köp' }).click();
    await giveCardDigits(page, sale.last4);
    await page.getByText('Då kan köpet redan ha använts för feedback', { exact: false }).waitFor();
    expect(await alertText(page)).toContain('Vi hittade inget köp');
    expect(await page.getByTestId('report-purchase').getAttribute('href')).toBe('/s');
    await expectStep(page, 'purchase');
    await screenshot(page, 'customer-error-already-claimed');

    // Half an hour later the session has expired: the app says so and offers a fresh start.
    await p.ctx.db.kysely.updateTable('feedback_sessions').set({ expires_at: new Date(Date.now() - 60_000).toISOString() }).where('business_id', '=', c.businessId).where('status', '=', 'open').execute();
    await page.getByRole('button', { name: 'Hitta mitt köp' }).click();
    await expectStep(page, 'fatal');
    expect(await alertText(page)).toContain('Sessionen har gått ut');
    await page.getByRole('button', { name: 'Börja om' }).click();
    await expectStep(page, 'shop');
    expect(pageProblems(page)).toEqual([]);
  });

  it('store-code path: code → shop → consent → amount, time and phone → pending the shop\'s check → feedback', async () => {
    const page = await phone();
    await page.goto('/s');
    await expectStep(page, 'store-code');
    await page.getByLabel('Butikskod', { exact: true }).fill('12');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await page.getByText('Butikskoden ska vara sex siffror.').waitFor();
    await page.getByLabel('Butikskod', { exact: true }).fill(storeCode);
    await screenshot(page, 'customer-store-code');
    await page.getByRole('button', { name: 'Fortsätt' }).click();

    await expectStep(page, 'shop');
    await page.getByRole('button', { name: 'Kom igång' }).click();
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Jag godkänner' }).click();
    await expectStep(page, 'purchase');
    await page.getByLabel('Belopp (kr)', { exact: true }).fill('87,50');
    await page.getByLabel('Mobilnummer (Swish)', { exact: true }).fill('073-555 12 34');
    await page.getByRole('button', { name: 'Skicka', exact: true }).click();

    await expectStep(page, 'pending');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Väntar på butikens kontroll');
    await screenshot(page, 'customer-store-pending');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await expectStep(page, 'feedback');
    await page.getByLabel('Din feedback', { exact: true }).waitFor();

    const claims = await p.ctx.db.kysely.selectFrom('store_claims').select(['status', 'amount_minor']).where('business_id', '=', c.businessId).execute();
    expect(claims).toEqual([{ status: 'pending', amount_minor: 8750 }]);
    expect(pageProblems(page)).toEqual([]);
  });

  it('switches to English (and remembers it); an unknown QR code explains itself', async () => {
    const page = await phone();
    await page.goto(`/f/${qrToken}`);
    await expectStep(page, 'shop');
    await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
    await page.getByRole('button', { name: 'Get started' }).click();
    await expectStep(page, 'consent');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Before we start');
    expect(await page.getByTestId('consent-text').textContent()).toMatch(/Kvittra stores your feedback/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await screenshot(page, 'customer-consent-en');

    await page.goto('/f/no-such-qr-token');
    expect(await alertText(page)).toContain('We cannot find an active shop');
    await page.getByRole('button', { name: 'Start again' }).waitFor();
    expect(pageProblems(page)).toEqual([]);
  });
});
