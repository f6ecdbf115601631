/* global self, caches, Response */
/*
 * Kvittra customer service worker. Registered only by the customer area (/f, /s).
 * - App shell (navigations to /f/… and /s…): stale-while-revalidate, so a customer who scanned once
 *   gets the page instantly (and offline) while a fresh copy is fetched for next time.
 * - Hashed build assets (/assets/…): cache first — their names change with every build.
 * - /api and everything else: not handled here, i.e. network only. Feedback, verification and
 *   rewards must never come from a cache.
 */
const CACHE = 'kvittra-shell-v1';
const SHELL = '/index.html';
const PRECACHE = [SHELL, '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/icon.svg'];
const CUSTOMER_PAGE = /^\/(f|s)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function staleWhileRevalidate(request, cacheKey) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(cacheKey);
  const fresh = fetch(request)
    .then((res) => {
      if (res.ok) void cache.put(cacheKey, res.clone());
      return res;
    })
    .catch(() => undefined);
  if (cached) return cached;
  const res = await fresh;
  return res ?? new Response('Offline', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const res = await fetch(request);
  if (res.ok) void cache.put(request, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return; // network only
  if (request.mode === 'navigate' && CUSTOMER_PAGE.test(url.pathname)) {
    event.respondWith(staleWhileRevalidate(request, SHELL));
  } else if (url.pathname.startsWith('/assets/') || PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
