import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ServedPlatform } from '../helpers/served-platform.js';
import { startE2EPlatform } from './helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, squareSetup, startSession } from '../helpers/customer.js';
import { launch, pageProblems, screenshot } from './helpers/browser.js';
import { PASSWORD, desktop, loginThroughForm } from './helpers/console-seed.js';
import { linkToken } from '../helpers/accounts.js';

const OPERATOR = 'operator@kvittra.test';
const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;

/** A merchant receiver that fails until told to accept, and counts what it was sent. */
function receiver() {
  const state = { accept: false, received: [] as { status: number; type: string }[] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const status = state.accept ? 200 : 500;
      state.received.push({ status, type: (JSON.parse(body || '{}') as { type?: string }).type ?? '' });
      res.writeHead(status).end();
    });
  });
  return { state, server, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks` };
}

/** One finished session through the real customer API (fresh purchase and device each time). */
async function feedback(p: ServedPlatform, c: ConnectionSetup, qrToken: string, amountMinor: number) {
  const sale = await ingestSale(p, c, amountMinor, 5);
  const s = await startSession(p, { qrToken });
  expect((await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
  const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
  expect(fb.status, fb.text).toBe(200);
  return fb.body as { reward: { status: string } };
}

/** The admin console in a desktop browser: an operator replays a dead-lettered webhook and approves a held reward. */
describe('admin console (1440×900)', () => {
  let p: ServedPlatform;
  let browser: Browser;
  let page: Page;
  let c: ConnectionSetup;
  const hook = receiver();
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await new Promise<void>((resolve) => hook.server.listen(0, '127.0.0.1', resolve));
    // One attempt, so the failing receiver dead-letters the delivery at once.
    p = await startE2EPlatform({ OUTBOUND_WEBHOOK_MAX_ATTEMPTS: '1' });
    browser = await launch();
    c = await squareSetup(p);
    const created = await p.admin('POST', '/admin/users', { email: OPERATOR, password: PASSWORD });
    expect(created.status, created.text).toBe(201);
    page = await desktop(browser, p.baseUrl, contexts);
  });

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => undefined);
    await browser?.close();
    await p?.stop();
    hook.server.close();
  });

  it('an operator logs in through the console form', async () => {
    await loginThroughForm(page, 'admin', OPERATOR);
    await page.getByRole('heading', { name: 'Företag', level: 1 }).waitFor();
    await page.getByTestId('business-row').first().waitFor();
    await screenshot(page, 'admin-businesses');
    expect(pageProblems(page)).toEqual([]);
  });

  it('creating a business shows the server’s organisation-number check', async () => {
    await page.getByLabel('Namn').first().fill('Bageri Fel');
    await page.getByLabel('Organisationsnummer').fill('556000-0000');
    await page.getByLabel('E-post').fill('bageri@example.se');
    await page.getByRole('button', { name: 'Skapa' }).click();
    await page.getByText('Inte ett giltigt svenskt organisationsnummer').waitFor();
  });

  it('replays a dead-lettered outbound webhook from the dead-letter queue', async () => {
    const ep = await p.admin('POST', `/admin/businesses/${c.businessId}/webhook-endpoints`, { url: hook.url(), eventTypes: ['feedback.scored'] });
    expect(ep.status, ep.text).toBe(201);
    expect((await p.admin('POST', `/admin/businesses/${c.businessId}/webhook-endpoints/${ep.body.id}/test`)).status).toBeLessThan(300);
    await expect.poll(async () => (await p.admin('GET', '/admin/webhooks/dead-letters')).body.items.length, { timeout: 20_000 }).toBe(1);

    hook.state.accept = true;
    await page.getByRole('link', { name: 'Webhooks' }).click();
    const row = page.getByTestId('dead-letter-row');
    await row.waitFor();
    await screenshot(page, 'admin-webhooks');
    await row.getByRole('button', { name: 'Skicka igen' }).click();
    await page.getByText('1 leverans köad igen.').waitFor();
    await expect.poll(() => hook.state.received.filter((r) => r.status === 200).length, { timeout: 20_000 }).toBe(1);
    expect(hook.state.received.map((r) => r.type)).toEqual(['webhook.test', 'webhook.test']);
    await page.getByText('Inga döda leveranser.').waitFor();
  });

  it('approves a reward the fraud checks held, with a reason', async () => {
    const { qrToken } = await locationQr(p, c);
    expect((await feedback(p, c, qrToken, 24_500)).reward.status).toBe('awaiting_phone');
    // The same text again from another purchase and device is held for review.
    expect((await feedback(p, c, qrToken, 31_500)).reward.status).toBe('held');

    await page.getByRole('link', { name: 'Bedrägerigranskning' }).click();
    const held = page.getByTestId('held-reward');
    await held.waitFor();
    expect(await held.count()).toBe(1);
    await screenshot(page, 'admin-fraud');
    await held.getByRole('button', { name: 'Godkänn' }).click();
    await held.getByPlaceholder('Motivering (minst 3 tecken)').fill('Kunden har två olika kvitton, inte en kopia.');
    await held.getByRole('button', { name: 'Godkänn' }).click();
    await page.getByText('Inga belöningar väntar på granskning.').waitFor();
    const rewards = await p.admin('GET', `/admin/rewards?businessId=${c.businessId}`);
    // Approved without a Swish number yet, the reward waits for the number like any other.
    expect(rewards.body.items.map((r: { status: string }) => r.status)).toEqual(['awaiting_phone', 'awaiting_phone']);
    const audit = await p.admin('GET', '/admin/audit-log?action=reward.approve');
    expect(audit.body.items[0]).toMatchObject({ action: 'reward.approve', details: { reason: 'Kunden har två olika kvitton, inte en kopia.' } });
  });

  it("sets a business's commission and reward ceilings on the billing page, audited with old and new values", async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Provision och tak' }).click();
    await page.getByRole('heading', { name: 'Provision och tak', level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel('Moms på provisionen (%)').inputValue()).toBe('25');
    await page.getByLabel('Välj företag').selectOption(c.businessId);
    const form = page.getByTestId('business-billing');
    await form.waitFor();
    expect(await form.getByText('Plattformens standard').count()).toBe(1);
    await form.getByLabel('Provision (%)', { exact: true }).fill('19');
    await form.getByLabel('Högsta belöning (kr)').fill('150');
    await screenshot(page, 'admin-billing');
    await form.getByRole('button', { name: 'Spara' }).click();
    await form.getByText('Sparat').waitFor();
    await form.getByText('Egen', { exact: true }).waitFor();
    const billing = await p.admin('GET', `/admin/businesses/${c.businessId}/billing`);
    expect(billing.body).toMatchObject({ source: 'business', commissionBps: 1_900, ceilings: { perRewardCapMinor: 15_000 } });
    const audit = await p.admin('GET', `/admin/audit-log?action=business.billing_update&targetId=${c.businessId}`);
    expect(audit.body.items[0].details.changes).toEqual([
      { field: 'ceilings.perRewardCapMinor', old: 20_000, new: 15_000 },
      { field: 'commissionBps', old: 2_000, new: 1_900 },
    ]);
    expect(pageProblems(page)).toEqual([]);
  });

  it('an operator sees a locked sign-in on the users page and unlocks it', async () => {
    const staff = 'personal-last@kafe-test.se';
    const inv = await p.admin('POST', `/admin/businesses/${c.businessId}/invitations`, { email: staff, role: 'staff' });
    const token = linkToken(inv.body.link as string);
    expect((await p.api('POST', '/api/v1/auth/invitations/accept', { token, password: PASSWORD })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await p.api('POST', '/api/v1/auth/login', { email: staff, password: `Fel-lösenord-${i}x` })).status).toBe(401);
    expect((await p.api('POST', '/api/v1/auth/login', { email: staff, password: PASSWORD })).status).toBe(429);

    await page.getByRole('link', { name: 'Användare', exact: true }).click();
    await page.getByRole('heading', { name: 'Användare', level: 1 }).waitFor();
    await page.getByLabel('Sök').fill(staff);
    const row = page.locator('tbody tr').filter({ hasText: staff });
    await row.getByText('1 adress väntar').waitFor();
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Lås upp inloggning' }).click();
    await expect.poll(() => row.getByRole('button', { name: 'Lås upp inloggning' }).count()).toBe(0);
    expect((await p.api('POST', '/api/v1/auth/login', { email: staff, password: PASSWORD })).status).toBe(200);
    const audit = await p.admin('GET', '/admin/audit-log?action=user.unlock');
    expect(audit.body.items[0]).toMatchObject({ action: 'user.unlock', details: { failuresCleared: 5 } });
    expect(audit.body.items[0].actor).toMatch(/^user:/);
    expect(pageProblems(page)).toEqual([]);
  });

  it('the other console pages render', async () => {
    for (const [link, heading, shot] of [
      ['Användare', 'Användare', 'admin-users'],
      ['Kassahälsa', 'Kassahälsa och failover', 'admin-pos'],
      ['Spärrar och överklaganden', 'Spärrar och överklaganden', 'admin-bans'],
      ['Poängjusteringar', 'Poängjusteringar', 'admin-score-overrides'],
      ['Pågående sessioner', 'Pågående sessioner', 'admin-live'],
      ['Utbetalningar', 'Utbetalningar', 'admin-payouts'],
      ['Svensk affärskontext', 'Svensk affärskontext', 'admin-swedish'],
      ['Granskningslogg', 'Granskningslogg', 'admin-audit'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      // The next holiday comes from the server's Swedish calendar (a date and a name).
      if (shot === 'admin-swedish') await expect.poll(() => page.getByTestId('next-holiday').textContent(), { timeout: 20_000 }).toMatch(/^\d{1,2} \w+\.? \d{4}: \S+/);
      await screenshot(page, shot);
    }
    await expect.poll(() => page.locator('main').innerText()).toContain('reward.approve'); // the page's data may still be loading
    expect(pageProblems(page)).toEqual([]);
  });
});
