import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/** Keeps the event loop busy, like a CPU-bound burst would. */
function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* busy */
  }
}

describe.skipIf(backendUnavailable)('load shedding', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '100' });
  });
  afterAll(async () => p?.stop());

  it('serves normally while the event loop is healthy', async () => {
    await new Promise((r) => setTimeout(r, 600)); // let the lag sampler settle after start-up
    const res = await p.api('GET', '/api/v1/locations/by-qr/unknown-token');
    expect(res.status).toBe(404);
  });

  it('answers 503 overloaded with Retry-After under event-loop lag, while probes still answer', async () => {
    const shed: { status: number; body: any; retryAfter: string | null }[] = [];
    const probes: number[] = [];
    // The lag is sampled periodically, so repeat "stall, then ask" until a sample has seen it.
    for (let i = 0; i < 20 && shed.length === 0; i++) {
      blockFor(500);
      const [res, live] = await Promise.all([p.api('GET', '/api/v1/locations/by-qr/unknown-token'), p.api('GET', '/api/health/live')]);
      probes.push(live.status);
      if (res.status === 503) shed.push({ status: res.status, body: res.body, retryAfter: res.headers.get('retry-after') });
      else expect(res.status).toBe(404);
    }
    expect(shed.length).toBe(1);
    expect(shed[0]!.body.error.code).toBe('overloaded');
    expect(shed[0]!.body.error.details.reason).toBe('eventLoopDelay');
    expect(Number(shed[0]!.retryAfter)).toBeGreaterThan(0);
    expect(probes.every((s) => s === 200)).toBe(true);
    const metrics = await p.admin('GET', '/metrics');
    expect(metrics.text).toMatch(/http_load_shed_total\{reason="eventLoopDelay"\} [1-9]/);
  });
});
