/**
 * A mail server for tests: smtp-server on 127.0.0.1 without TLS or authentication, as the built server's
 * SMTP_URL (`smtp://127.0.0.1:<port>`) reaches it through nodemailer. Each delivered message is parsed
 * with postal-mime (encoded-word subjects, quoted-printable bodies) and kept with its SMTP envelope.
 */
import type { AddressInfo, Server } from 'node:net';
import { SMTPServer } from 'smtp-server';
import PostalMime from 'postal-mime';

export interface ReceivedMail {
  /** The SMTP envelope: who the message was actually delivered to, and from. */
  envelopeFrom: string | null;
  envelopeTo: string[];
  subject: string;
  from: string | null;
  to: string[];
  text: string;
}

export interface SmtpReceiver {
  /** The SMTP_URL for the server under test. */
  url: string;
  received: ReceivedMail[];
  /** The first received mail (now or later) to `to` whose subject matches, within the deadline. */
  waitFor(to: string, subject: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

async function parse(raw: Buffer, envelope: { mailFrom: { address: string } | false; rcptTo: { address: string }[] }): Promise<ReceivedMail> {
  const email = await PostalMime.parse(raw);
  return {
    envelopeFrom: envelope.mailFrom ? envelope.mailFrom.address : null,
    envelopeTo: envelope.rcptTo.map((r) => r.address),
    subject: email.subject ?? '',
    from: email.from?.address ?? null,
    to: (email.to ?? []).flatMap((a) => (a.address ? [a.address] : [])),
    text: email.text ?? '',
  };
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    // A local fake: no STARTTLS offered (nodemailer would upgrade to it) and no AUTH asked for.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        parse(Buffer.concat(chunks), session.envelope).then(
          (mail) => {
            received.push(mail);
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  const listening = await new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    const socket = server.listen(0, '127.0.0.1', () => resolve(socket));
  });
  const { port } = listening.address() as AddressInfo;

  const find = (to: string, subject: RegExp) => received.find((m) => m.envelopeTo.includes(to) && subject.test(m.subject));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(to, subject, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (let mail = find(to, subject); ; mail = find(to, subject)) {
        if (mail) return mail;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} with subject ${subject} within ${timeoutMs} ms; received: ${JSON.stringify(received.map((m) => [m.envelopeTo, m.subject]))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
