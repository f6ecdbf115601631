/** Measures start-up phases (process start → config → db → migrations → listening) for /api/health/startup. */
export class StartupPhases {
  readonly phases: { name: string; ms: number }[] = [];
  private last = performance.now();
  readonly processStartMs = performance.timeOrigin;

  mark(name: string): void {
    const now = performance.now();
    this.phases.push({ name, ms: round(now - this.last) });
    this.last = now;
  }

  /** Milliseconds from process start to now (performance.now() counts from the process's time origin). */
  sinceProcessStart(): number {
    return round(performance.now());
  }

  totalMs(): number {
    return round(this.phases.reduce((s, p) => s + p.ms, 0));
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
