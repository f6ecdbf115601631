import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PlatformHandle } from '../../helpers/platform.js';
import { createLocation } from '../../helpers/fixtures.js';
import { seedFeedback } from '../../helpers/feedback-seed.js';
import { newDesktopPage } from './browser.js';

export const PASSWORD = 'Korrekt-häst-batteri-9';

const CATEGORY_SETS = [['service', 'staff'], ['product', 'quality'], ['price'], ['waiting_time', 'service'], ['atmosphere', 'cleanliness']];
const TEXTS = [
  'Kanelbullen var nybakad och baristan Anna var jättetrevlig, men kön var lång vid lunch.',
  'Kaffet var för dyrt men kanelbullen var god. Renligheten vid borden kunde vara bättre.',
  'Väldigt trevlig personal och mysig atmosfär, vi kommer tillbaka för kanelbullen.',
];

/**
 * Released feedback over the last eight days at two locations, at different hours, with varied scores,
 * sentiments and categories — enough for every dashboard chart to draw something.
 */
export async function seedDashboard(p: PlatformHandle, businessId: string, firstLocationId: string): Promise<{ locationIds: string[]; sessionIds: string[] }> {
  const second = await createLocation(p, businessId);
  await p.admin('PATCH', `/admin/businesses/${businessId}/locations/${second.id}`, { name: 'Butik Söder' });
  const locationIds = [firstLocationId, second.id];
  const sessionIds: string[] = [];
  const now = Date.now();
  for (let i = 0; i < 24; i++) {
    const scoredAt = new Date(now - (i % 8) * 86_400_000 - (i % 5) * 3_600_000 - 10 * 60_000).toISOString();
    sessionIds.push(
      await seedFeedback(p, {
        businessId,
        locationId: locationIds[i % 3 === 0 ? 1 : 0]!,
        scoredAt,
        score: 45 + ((i * 7) % 55),
        sentiment: ((i % 5) - 2) / 2.5,
        categories: CATEGORY_SETS[i % CATEGORY_SETS.length]!,
        text: TEXTS[i % TEXTS.length]!,
        rewardMinor: 500 + i * 37,
      }),
    );
  }
  return { locationIds, sessionIds };
}

/** A desktop page that is closed with the test's contexts. */
export async function desktop(browser: Browser, baseUrl: string, contexts: BrowserContext[]): Promise<Page> {
  const { context, page } = await newDesktopPage(browser, { baseUrl });
  contexts.push(context);
  return page;
}

/** Logs in through the console's login form (business or admin area). */
export async function loginThroughForm(page: Page, area: 'business' | 'admin', email: string, password = PASSWORD): Promise<void> {
  await page.goto(`/${area}/login`);
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord').fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
}
