/**
 * Mail through SMTP from the built server: nodemailer is external (server/scripts/bundle-config.mjs) and
 * imported on the first mail, so only the shipped server proves that it resolves and sends. SMTP_URL
 * points at a local smtp-server (test/helpers/smtp-receiver.ts); the store-review reminder runs as the
 * periodic job does, and an invitation goes out from an admin request.
 *
 * @covers nodemailer
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServedPlatform, type ServedPlatform } from '../helpers/served-platform.js';
import { createBusiness } from '../helpers/fixtures.js';
import { pendingStoreClaim, storeCodeBusiness } from '../helpers/store-claims.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';
import { PROCESS_PUBLIC_BASE_URL } from '../helpers/process-server.js';

const MAIL_FROM = 'Kvittra Test <no-reply@kvittra.test>';

/**
 * Makes the store-claims sweep due now, as the scheduler does each hour (Scheduler.tick inserts the
 * period's job row): the server's queue polls the jobs table and runs it.
 */
async function runStoreClaimsSweep(p: ServedPlatform): Promise<void> {
  const now = new Date().toISOString();
  await p.ctx.db.kysely
    .insertInto('jobs')
    .values({ id: `shipped:store_claims.sweep:${Date.now()}`, type: 'store_claims.sweep', payload: '{}', status: 'pending', attempts: 0, max_attempts: 3, run_at: now, locked_by: null, locked_until: null, last_error: null, created_at: now, updated_at: now })
    .execute();
  expect(await p.ctx.queue.drain(15_000)).toBe(true);
}

describe('mail through SMTP from the built server (nodemailer)', () => {
  let p: ServedPlatform;
  let smtp: SmtpReceiver;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    p = await startServedPlatform({ SMTP_URL: smtp.url, MAIL_FROM, ENABLE_FRAUD_DETECTION: 'false' }, 'mail server');
  });
  afterAll(async () => {
    await p?.stop();
    await smtp?.close();
  });

  it('sends the store-review reminder to the business contact address, with the link to its review page', async () => {
    const to = 'granskning@kafe-post.test';
    // Due for a reminder at once: a 1-day deadline with a reminder 1 day before it.
    const { businessId, storeCode } = await storeCodeBusiness(p, { name: 'Kafé Post', email: to }, { storeReview: { deadlineDays: 1, reminderDaysBefore: [1] } });
    const claimId = await pendingStoreClaim(p, storeCode, '149,00');

    await runStoreClaimsSweep(p);
    const mail = await smtp.waitFor(to, /granskning/);
    expect(mail.envelopeTo).toEqual([to]);
    expect(mail.to).toEqual([to]);
    expect(mail.envelopeFrom).toBe('no-reply@kvittra.test');
    expect(mail.subject).toMatch(/^Påminnelse: 1 köp väntar på granskning \(senast \d{4}-\d{2}-\d{2}\)$/);
    expect(mail.text).toContain('Hej Kafé Post!');
    expect(mail.text).toContain(`${PROCESS_PUBLIC_BASE_URL}/admin/businesses/${businessId}/store-claims`);

    // Recorded as sent, so the next sweep does not mail it again.
    const recorded = await p.ctx.db.kysely.selectFrom('store_review_reminders').select(['days_before', 'sent_to']).where('claim_id', '=', claimId).execute();
    expect(recorded).toEqual([{ days_before: 1, sent_to: to }]);
    const mailsBefore = smtp.received.length;
    await runStoreClaimsSweep(p);
    expect(smtp.received.length).toBe(mailsBefore);
  });

  it('mails an invitation whose link is the one the admin API returned', async () => {
    const { id } = await createBusiness(p, { name: 'Kafé Inbjudan' });
    const to = 'ny.agare@kafe-inbjudan.test';
    const inv = await p.admin('POST', `/admin/businesses/${id}/invitations`, { email: to, role: 'owner' });
    expect(inv.status, inv.text).toBe(201);

    const mail = await smtp.waitFor(to, /Inbjudan/);
    expect(mail.subject).toBe('Inbjudan till Kafé Inbjudan på Kvittra');
    const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
    expect(links).toContain(inv.body.link);
    expect(inv.body.link).toMatch(new RegExp(`^${PROCESS_PUBLIC_BASE_URL.replace(/\./g, '\\.')}/business/invite#token=`));
  });
});
