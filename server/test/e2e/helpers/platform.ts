import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js';

/**
 * A real platform for browser tests. Load shedding is off: Chromium and the server share a small
 * machine, and a lagging event loop must not turn a journey's request into a 503 mid-test.
 */
export function startE2EPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  return startTestPlatform({ LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0', ...env });
}
