import type { AppContext } from '../http/context.js';
import { nowIso } from '../core/ids.js';

export interface PeriodicTask {
  jobType: string;
  everyMs: number;
  /** 'start' (default) runs a period's job as soon as the period begins; 'end' when it is over. */
  runAt?: 'start' | 'end';
}

/**
 * Periodic work goes through the durable queue. Each period's job has a deterministic id
 * (`periodic:<type>:<period>`), so however many instances tick, each period runs once.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly tasks: PeriodicTask[],
    private readonly tickMs = 30_000,
  ) {}

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async tick(now = Date.now()): Promise<void> {
    try {
      const ts = nowIso();
      await this.ctx.db.writer.run(async (trx) => {
        for (const task of this.tasks) {
          const period = Math.floor(now / task.everyMs);
          const runAt = task.runAt === 'end' ? new Date((period + 1) * task.everyMs).toISOString() : ts;
          await trx
            .insertInto('jobs')
            .values({ id: `periodic:${task.jobType}:${period}`, type: task.jobType, payload: '{}', status: 'pending', attempts: 0, max_attempts: 3, run_at: runAt, locked_by: null, locked_until: null, last_error: null, created_at: ts, updated_at: ts })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        }
      });
      this.ctx.queue.notify();
    } catch (err) {
      this.ctx.log.warn({ err }, 'scheduler tick failed');
    }
  }
}
