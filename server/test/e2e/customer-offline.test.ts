import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { ServedPlatform } from '../helpers/served-platform.js';
import { startE2EPlatform } from './helpers/platform.js';
import { locationQr, squareSetup } from '../helpers/customer.js';
import { launch, newPhonePage, pageProblems } from './helpers/browser.js';
import { expectStep } from './helpers/customer-flow.js';

/**
 * The customer app is a PWA: the service worker registers on the first visit (a development build
 * compiled its registration out, so the app never installed) and the visited page opens offline from
 * its cache, saying in Swedish that there is no connection instead of Chromium's error page.
 */
describe('customer PWA: service worker and offline start (built server, production web build)', () => {
  let p: ServedPlatform;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let qrToken: string;

  beforeAll(async () => {
    p = await startE2EPlatform();
    browser = await launch();
    ({ qrToken } = await locationQr(p, await squareSetup(p)));
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await p?.stop();
  });

  it('registers /sw.js on the first visit, then the page opens offline from the cache', async () => {
    const phone = await newPhonePage(browser, { baseUrl: p.baseUrl });
    context = phone.context;
    const { page } = phone;
    await page.goto(`/f/${qrToken}`);
    await expectStep(page, 'shop');

    // Registered and in control of this page (clients.claim() on activate), by the built app's own code.
    // Bounded: without a registration `ready` never settles, and the test should say so rather than time out.
    const scriptURL = await page.evaluate(async () => {
      const within = <T,>(p: Promise<T>) => Promise.race([p, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
      const reg = await within(navigator.serviceWorker.ready);
      if (reg && !navigator.serviceWorker.controller) await within(new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true })));
      return reg?.active?.scriptURL ?? 'no service worker registered';
    });
    expect(scriptURL).toBe(`${p.baseUrl}/sw.js`);
    expect(context.serviceWorkers().map((w) => new URL(w.url()).pathname)).toContain('/sw.js');

    await context.setOffline(true);
    await page.reload();
    // The shell and its assets come from the cache; the API is network-only, so the app explains itself.
    await page.getByText('Ingen kontakt med servern. Kontrollera anslutningen och försök igen.').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    expect(await page.title()).not.toBe('');

    await context.setOffline(false);
    await page.reload();
    await expectStep(page, 'shop');
    expect(pageProblems(page).filter((m) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(m))).toEqual([]);
  });
});
