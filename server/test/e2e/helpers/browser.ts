import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Browser helpers for the e2e project: Debian's Chromium driven by playwright-core (no downloaded
 * browser). Every page records console errors, page errors and CSP violations, so a journey that
 * "works" while the console shows a blocked inline script still fails (see expectCleanPage).
 */
export const CHROMIUM_PATH = process.env.KVITTRA_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));

/** `fakeMedia`: Chromium's built-in fake microphone (a beep) with the permission prompt auto-accepted. */
export async function launch(opts: { fakeMedia?: boolean } = {}): Promise<Browser> {
  const media = opts.fakeMedia ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] : [];
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...ARGS, ...media] });
}

const problems = new WeakMap<Page, string[]>();

function watch(page: Page): Page {
  const list: string[] = [];
  problems.set(page, list);
  page.on('pageerror', (err) => list.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Failed API calls (4xx the app handles) log "Failed to load resource"; those are expected states.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) list.push(`console: ${msg.text()}`);
  });
  return page;
}

/** Console/page errors and CSP violations seen on this page so far. */
export function pageProblems(page: Page): string[] {
  return [...(problems.get(page) ?? [])];
}

interface PageOptions {
  baseUrl: string;
  locale?: string;
}

async function newPage(browser: Browser, opts: PageOptions, viewport: { width: number; height: number }, mobile: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: opts.baseUrl,
    viewport,
    deviceScaleFactor: mobile ? 2 : 1,
    isMobile: mobile,
    hasTouch: mobile,
    locale: opts.locale ?? 'sv-SE',
    timezoneId: 'Europe/Stockholm',
  });
  const page = watch(await context.newPage());
  page.setDefaultTimeout(20_000);
  return { context, page };
}

/** A phone-sized page (390×844, touch, 2× pixels) in its own context (own storage, own service worker). */
export function newPhonePage(browser: Browser, opts: PageOptions) {
  return newPage(browser, opts, { width: 390, height: 844 }, true);
}

/** A desktop page (1440×900) for the business dashboard and the admin console. */
export function newDesktopPage(browser: Browser, opts: PageOptions) {
  return newPage(browser, opts, { width: 1440, height: 900 }, false);
}

/**
 * Writes docs/screenshots/<name>.png when screenshots are enabled (`npm run screenshots` sets
 * KVITTRA_SCREENSHOTS=1); otherwise does nothing, so the journeys double as the screenshot script.
 */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.KVITTRA_SCREENSHOTS !== '1') return;
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot name must be kebab-case: ${name}`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let transitions and fonts settle; the heading focus ring is part of the real look.
  await page.evaluate('document.fonts ? document.fonts.ready.then(() => true) : true');
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: opts.fullPage ?? true, animations: 'disabled' });
}
