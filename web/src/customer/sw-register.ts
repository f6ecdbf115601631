/**
 * Registers the service worker that keeps the app shell for offline starts. Only the customer area
 * registers it (the dashboards are desktop tools that should always load fresh); it never caches /api.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined), { once: true });
  if (document.readyState === 'complete') void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
