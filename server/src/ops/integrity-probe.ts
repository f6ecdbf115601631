import type { AppContext } from '../http/context.js';

export interface IntegrityReport {
  ok: boolean;
  dialect: string;
  details: string[];
  checkedAt: string;
  durationMs: number;
  /** True when this answer is the kept result of an earlier check. */
  cached: boolean;
}

/** How long a result is served before the next request runs the check again. */
export const INTEGRITY_CACHE_MS = 10 * 60_000;

/**
 * The database integrity check, run at most once per INTEGRITY_CACHE_MS and never twice at once: requests
 * while a check runs share it. The check itself runs off the event loop (db/integrity-thread.ts on SQLite).
 */
export class IntegrityProbe {
  private last: Omit<IntegrityReport, 'cached'> | null = null;
  private running: Promise<Omit<IntegrityReport, 'cached'>> | null = null;

  constructor(
    private readonly ctx: Pick<AppContext, 'db'>,
    private readonly now: () => number = Date.now,
  ) {}

  async report(opts: { fresh?: boolean } = {}): Promise<IntegrityReport> {
    const last = this.last;
    if (!opts.fresh && last && this.now() - Date.parse(last.checkedAt) < INTEGRITY_CACHE_MS) return { ...last, cached: true };
    return { ...(await (this.running ??= this.run())), cached: false };
  }

  private async run(): Promise<Omit<IntegrityReport, 'cached'>> {
    const started = this.now();
    try {
      const result = await this.ctx.db.integrityCheck();
      this.last = { ok: result.ok, dialect: this.ctx.db.dialect, details: result.details, checkedAt: new Date(this.now()).toISOString(), durationMs: this.now() - started };
      return this.last;
    } finally {
      this.running = null;
    }
  }
}
