import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ServedPlatform } from '../helpers/served-platform.js';
import { startE2EPlatform } from './helpers/platform.js';
import { createBusiness, type ConnectionSetup } from '../helpers/fixtures.js';
import { squareSetup } from '../helpers/customer.js';
import { launch, pageProblems, screenshot } from './helpers/browser.js';
import { PASSWORD, desktop, loginThroughForm, seedDashboard } from './helpers/console-seed.js';

const OWNER = 'agare@kafe-test.se';

/** The business dashboard in a desktop browser: signup by invitation, login, charts with data, QR download. */
describe('business dashboard (1440×900)', () => {
  let p: ServedPlatform;
  let browser: Browser;
  let c: ConnectionSetup;
  let page: Page;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // info: without SMTP the server writes mails to its log, where the reset journey finds its link.
    p = await startE2EPlatform({ LOG_LEVEL: 'info' });
    browser = await launch();
    c = await squareSetup(p);
    await seedDashboard(p, c.businessId, c.locationId);
    const q = await p.admin('POST', `/admin/businesses/${c.businessId}/questions`, { text: 'Hur hittade du till oss första gången?' });
    expect(q.status, q.text).toBe(201);
    page = await desktop(browser, p.baseUrl, contexts);
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => undefined);
    await browser?.close();
    await p?.stop();
  });

  it('an invited owner chooses a password, lands on the overview, logs out and logs in again', async () => {
    const inv = await p.admin('POST', `/admin/businesses/${c.businessId}/invitations`, { email: OWNER, role: 'owner' });
    expect(inv.status, inv.text).toBe(201);
    // The mailed link carries the token in the fragment (never sent to the server).
    const link = new URL(inv.body.link as string);
    expect(link.hash).toMatch(/^#token=/);
    const token = new URLSearchParams(link.hash.slice(1)).get('token')!;

    await page.goto(`${link.pathname}${link.hash}`);
    await page.getByRole('heading', { name: 'Välkommen till Kvittra' }).waitFor();
    await screenshot(page, 'business-invite');
    await page.getByLabel('Nytt lösenord').fill(PASSWORD);
    await page.getByLabel('Upprepa lösenordet').fill(PASSWORD);
    await page.getByRole('button', { name: 'Aktivera kontot' }).click();
    await page.getByRole('heading', { name: 'Översikt', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/business');

    // The invitation is single-use: the same link now explains itself up front instead of offering the form.
    // Opened in the form mailed before fragments (?token=), which the page still reads and moves out of the query.
    const reuse = await desktop(browser, p.baseUrl, contexts);
    await reuse.goto(`/business/invite?token=${encodeURIComponent(token)}`);
    expect(await reuse.getByRole('alert').textContent()).toBe('Länken är ogiltig, har gått ut eller har redan använts.');
    expect(await reuse.getByLabel('Nytt lösenord').count()).toBe(0);
    expect(new URL(reuse.url()).search).toBe('');
    expect(new URL(reuse.url()).hash).toBe(`#token=${token}`);

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.getByRole('heading', { name: 'Logga in på företagsportalen' }).waitFor();
    await screenshot(page, 'business-login');
    await loginThroughForm(page, 'business', OWNER, 'fel-lösenord-123');
    expect(await page.getByRole('alert').textContent()).toContain('Fel e-postadress eller lösenord');
    await loginThroughForm(page, 'business', OWNER);
    await page.getByRole('heading', { name: 'Översikt', level: 1 }).waitFor();
    expect(pageProblems(page)).toEqual([]);
  });

  it('the overview draws KPIs, trends per location and the quality distribution from the seeded feedback', async () => {
    await page.goto('/business');
    await page.getByText('Feedbacksessioner').waitFor();
    const trend = page.getByTestId('chart-trend').first();
    // A flat line has no height, so Playwright calls it hidden: wait for it to exist instead.
    await trend.locator('.recharts-line-curve').first().waitFor({ state: 'attached' });
    // One line per location, named in the legend.
    expect(await trend.locator('.recharts-line-curve').count()).toBe(2);
    expect(await trend.locator('.recharts-legend-item-text').allTextContents()).toEqual(expect.arrayContaining(['Butik Centrum', 'Butik Söder']));
    expect(await page.getByTestId('chart-distribution').locator('.recharts-bar-rectangle path').count()).toBeGreaterThan(0);
    const kpi = await page.locator('main').innerText();
    expect(kpi).toMatch(/Feedbacksessioner\s+24/);
    await screenshot(page, 'business-overview');
    expect(pageProblems(page)).toEqual([]);
  });

  it('insights show categories and sentiment over time, recurring topics and the Stockholm-hour heatmap', async () => {
    await page.getByRole('link', { name: 'Insikter' }).click();
    await page.getByTestId('chart-categories').locator('.recharts-bar-rectangle path').first().waitFor();
    await page.getByTestId('chart-sentiment').locator('.recharts-line-curve').waitFor({ state: 'attached' });
    await expect.poll(() => page.locator('main').innerText()).toContain('kanelbullen'); // the page's data may still be loading
    const cells = page.getByTestId('heatmap').locator('td');
    expect(await cells.count()).toBe(7 * 24);
    await screenshot(page, 'business-insights');
  });

  it('feedback can be searched, opened and exported as CSV', async () => {
    await page.getByRole('link', { name: 'Feedback', exact: true }).click();
    await page.getByRole('heading', { name: 'Feedback', level: 1 }).waitFor();
    await page.getByLabel('Sök i texten').fill('dyrt');
    await page.getByRole('button', { name: 'Filtrera' }).click();
    await expect.poll(async () => (await page.locator('tbody tr').allInnerTexts()).every((r) => r.includes('dyrt')) && (await page.locator('tbody tr').count()) > 0).toBe(true);
    await screenshot(page, 'business-feedback');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportera CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('Datum;Tid;Plats');
    expect(csv).toContain('dyrt');

    await page.locator('tbody tr a').first().click();
    await page.getByRole('heading', { name: 'Feedback i detalj' }).waitFor();
    await expect.poll(() => page.locator('main').innerText()).toContain('Kaffet var för dyrt'); // the page's data may still be loading
  });

  it('a location QR code downloads as PNG and SVG', async () => {
    await page.getByRole('link', { name: 'Butiker och QR' }).click();
    await page.getByTestId('location-card').first().waitFor();
    await screenshot(page, 'business-locations');
    const card = page.getByTestId('location-card').filter({ hasText: 'Butik Centrum' });
    const [png] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'QR som PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('kvittra-qr-butik-centrum.png');
    expect(readFileSync((await png.path())!).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const [svg] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'QR som SVG' }).click()]);
    expect(readFileSync((await svg.path())!, 'utf8')).toContain('<svg');
    expect(pageProblems(page)).toEqual([]);
  });

  it("the rewards page explains Kvittra's ceilings, offers no commission or VAT, and shows the server's refusal beyond a ceiling", async () => {
    await page.getByRole('link', { name: 'Belöningar', exact: true }).click();
    await page.getByRole('heading', { name: 'Belöningar', level: 1 }).waitFor();
    const ceilings = page.getByTestId('reward-ceilings');
    await ceilings.waitFor();
    const text = await ceilings.innerText();
    // Intl puts (narrow) no-break spaces in "15 %" and "10 000,00 kr".
    for (const part of [/över 15\s%/, /över 200,00\skr/, /mer än 12\s%/, /högst 10\s000,00\skr/, /de första 14 dagarna/]) expect(text).toMatch(part);
    expect(await page.getByLabel(/provision|moms|avgift/i).count()).toBe(0);
    await page.getByLabel('Högsta andel (%)').fill('20');
    await page.getByRole('button', { name: 'Spara' }).click();
    expect(await page.getByRole('alert').innerText()).toContain('ceiling of 1500');
    const settings = await p.admin('GET', `/admin/businesses/${c.businessId}/settings`);
    expect(settings.body.rewards.maxBps).toBe(1_500);
    await page.getByLabel('Högsta andel (%)').fill('15');
    expect(pageProblems(page)).toEqual([]);
  });

  it('the other pages render in Swedish and switch to English', async () => {
    for (const [link, heading, shot] of [
      ['Kassakopplingar', 'Kassakopplingar', 'business-pos'],
      ['Belöningar', 'Belöningar', 'business-rewards'],
      ['Kontext och frågor', 'Kontext och frågor', 'business-context'],
      ['Verifiering', 'Verifiering av butikskoder', 'business-verification'],
      ['Team', 'Team', 'business-team'],
      ['Utgående webhooks', 'Utgående webhooks', 'business-webhooks'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await screenshot(page, shot);
    }
    expect(await page.locator('main').innerText()).not.toContain('webhooks.');
    await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
    await page.getByRole('heading', { name: 'Outbound webhooks', level: 1 }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(pageProblems(page)).toEqual([]);
  });

  it('an existing owner invited to another business logs in on the invitation page and accepts there', async () => {
    const second = await createBusiness(p, { name: 'Andra kaféet' });
    const inv = await p.admin('POST', `/admin/businesses/${second.id}/invitations`, { email: OWNER, role: 'staff' });
    expect(inv.status, inv.text).toBe(201);
    const link = new URL(inv.body.link as string);

    const invited = await desktop(browser, p.baseUrl, contexts);
    await invited.goto(link.href.slice(link.origin.length));
    await invited.getByRole('heading', { name: 'Logga in för att tacka ja' }).waitFor();
    expect(await invited.getByLabel('E-postadress').inputValue()).toBe(OWNER);
    expect(await invited.getByLabel('Nytt lösenord').count()).toBe(0);
    await invited.getByLabel('Lösenord', { exact: true }).fill(PASSWORD);
    await invited.getByRole('button', { name: 'Logga in och tacka ja' }).click();
    await invited.getByRole('heading', { name: 'Översikt', level: 1 }).waitFor();
    const me = await invited.evaluate(async () => (await fetch('/api/v1/auth/me')).json());
    expect(me.user.memberships.map((m: { businessName: string; role: string }) => `${m.businessName}:${m.role}`).sort()).toEqual(['Andra kaféet:staff', 'Kafé Test:owner']);
    expect(pageProblems(invited)).toEqual([]);
  });

  it('a forgotten password is reset through the mailed link, whose token is in the fragment', async () => {
    const reset = await desktop(browser, p.baseUrl, contexts);
    await reset.goto('/business/reset');
    await reset.getByLabel('E-postadress').fill(OWNER);
    await reset.getByRole('button', { name: 'Skicka länk' }).click();
    await reset.getByRole('status').waitFor();
    const mailed = () => /https?:\/\/[^\s"\\]+\/business\/reset#token=[\w.-]+/.exec(p.server.output())?.[0];
    await expect.poll(mailed, { timeout: 10_000 }).toBeTruthy();
    const link = new URL(mailed()!);

    await reset.goto(`${link.pathname}${link.hash}`);
    await reset.getByLabel('Nytt lösenord').fill('Ett-nytt-lösenord-42');
    await reset.getByLabel('Upprepa lösenordet').fill('Ett-nytt-lösenord-42');
    await reset.getByRole('button', { name: 'Spara lösenordet' }).click();
    await reset.getByText('Lösenordet är ändrat. Du kan nu logga in.').waitFor();
    // The request log has the page's path, never the token.
    expect(p.server.output()).toContain('"url":"/business/reset"');
    expect(p.server.output().split(link.hash.slice('#token='.length)).length - 1).toBe(1); // only in the mail itself
    await loginThroughForm(reset, 'business', OWNER, 'Ett-nytt-lösenord-42');
    await reset.getByRole('heading', { name: 'Översikt', level: 1 }).waitFor();
    expect(pageProblems(reset)).toEqual([]);
  });
});
