import type { Transporter } from 'nodemailer';
import type { Logger } from '../core/logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Outgoing e-mail (invitations, password resets, review reminders). */
export interface MailSender {
  readonly kind: 'log' | 'smtp' | 'memory';
  send(message: MailMessage): Promise<void>;
}

/**
 * Development default: the whole mail goes to the log so a developer can follow the link.
 * Never used in production (start-up requires SMTP_URL there).
 */
export class LogMailSender implements MailSender {
  readonly kind = 'log' as const;
  constructor(private readonly log: Logger) {}
  async send(message: MailMessage): Promise<void> {
    this.log.info({ mail: { to: message.to, subject: message.subject, text: message.text } }, 'mail (development: not sent, written to the log)');
  }
}

/** Keeps mails in memory; tests read the links out of them. */
export class MemoryMailSender implements MailSender {
  readonly kind = 'memory' as const;
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }
}

/** SMTP through nodemailer (`SMTP_URL=smtps://user:pass@host:465`). */
export class SmtpMailSender implements MailSender {
  readonly kind = 'smtp' as const;
  private transport: Promise<Transporter> | null = null;
  constructor(
    private readonly url: string,
    private readonly from: string,
  ) {}
  async send(message: MailMessage): Promise<void> {
    // Loaded on first use: most starts never send mail, and nodemailer is large.
    this.transport ??= import('nodemailer').then((m) => m.createTransport(this.url));
    const transport = await this.transport;
    await transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
  }
}

export function createMailSender(opts: { smtpUrl: string | undefined; from: string }, log: Logger): MailSender {
  return opts.smtpUrl ? new SmtpMailSender(opts.smtpUrl, opts.from) : new LogMailSender(log);
}
