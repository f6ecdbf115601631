import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { ServedPlatform } from '../helpers/served-platform.js';
import { startE2EPlatform } from './helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { locationQr, squareSetup } from '../helpers/customer.js';
import { DEFAULT_FAKE_TEXT, startFakeTranscriber, type FakeTranscriber } from '../helpers/fake-transcriber.js';
import { launch, newPhonePage, pageProblems, screenshot } from './helpers/browser.js';
import { expectStep, fillPurchase, freshSale, giveCardDigits, throughConsent } from './helpers/customer-flow.js';

const QUESTION_SV = 'Hur hittade du till oss första gången?';

describe('customer PWA voice feedback (MediaRecorder → WebSocket stream → transcript → turn)', () => {
  let p: ServedPlatform;
  let fake: FakeTranscriber;
  let browser: Browser;
  let c: ConnectionSetup;
  let qrToken: string;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    fake = await startFakeTranscriber();
    p = await startE2EPlatform({ VOICE_PROCESSOR_URL: fake.url });
    browser = await launch({ fakeMedia: true });
    c = await squareSetup(p);
    ({ qrToken } = await locationQr(p, c));
    const q = await p.admin('POST', `/admin/businesses/${c.businessId}/questions`, { text: QUESTION_SV });
    expect(q.status, q.text).toBe(201);
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await p?.stop();
    await fake?.close();
  });

  it('records with the (fake) microphone, shows the audio-not-stored notice and the transcript, then the follow-up', async () => {
    const sale = await freshSale(p, c);
    const phone = await newPhonePage(browser, { baseUrl: p.baseUrl });
    context = phone.context;
    const { page } = phone;
    await context.grantPermissions(['microphone'], { origin: p.baseUrl });
    await throughConsent(page, `/f/${qrToken}`);
    await fillPurchase(page, sale.amountText, sale.time);
    await page.getByRole('button', { name: 'Hitta mitt köp' }).click();
    await giveCardDigits(page, sale.last4); // the POS sent the card's digits, so the app asks for them
    await expectStep(page, 'feedback');

    expect(await page.getByTestId('voice-notice').textContent()).toBe('Ljudet skrivs om till text och sparas aldrig. Du kan alltid skriva i stället.');
    await page.getByRole('button', { name: 'Spela in' }).click();
    await page.getByText(/^Spelar in…/).waitFor();
    await screenshot(page, 'customer-voice-recording');
    await page.waitForTimeout(2500); // a recording of a few seconds of the fake microphone's tone
    await page.getByRole('button', { name: 'Stoppa och skicka' }).click();

    await expectStep(page, 'follow-up');
    expect(await page.getByText(`Vi uppfattade: "${DEFAULT_FAKE_TEXT}"`).count()).toBe(1);
    expect(await page.getByTestId('follow-up-question').textContent()).toBe(QUESTION_SV);
    // The transcription service received real recorded audio (a WebM container from MediaRecorder).
    const last = fake.received.at(-1)!;
    expect(last.audioBytes).toBeGreaterThan(0);
    expect(pageProblems(page)).toEqual([]);

    // The stored turn is the transcript; no audio anywhere in the database.
    const turns = await p.ctx.db.kysely.selectFrom('feedback_turns').select(['role', 'text', 'source']).where('role', '=', 'customer').execute();
    expect(turns).toEqual([{ role: 'customer', text: DEFAULT_FAKE_TEXT, source: 'voice' }]);
  });
});
