import { startServedPlatform, type ServedPlatform } from '../../helpers/served-platform.js';

/** The browser journeys run against what ships: server/dist/kvittra.mjs serving the built web app. */
export function startE2EPlatform(env: Record<string, string> = {}): Promise<ServedPlatform> {
  return startServedPlatform(env, 'e2e server');
}
