/*
 * Service worker of the meter reader's view: keeps the app's shell on the
 * phone so that it opens without a network. Kept deliberately small:
 *  - page loads: network first, else the last saved shell (index.html);
 *  - /assets/* (file names carry a content hash): from the cache, else the network;
 *  - the session and the utility's branding: network first, else the last answer,
 *    so that a reload in a cellar still knows who is signed in;
 *  - everything else (the API, uploads): untouched — the app keeps its own
 *    offline copy of routes and queue of readings in IndexedDB.
 */
const CACHE = 'wodnik-reader-shell-v1';
const scope = new URL(self.registration.scope);

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.add(new Request(scope.href, { cache: 'reload' }))).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('wodnik-reader-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (err) {
    const hit = await cache.match(key);
    if (hit) return hit;
    throw err;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin) return;
  if (request.mode === 'navigate') {
    // Every page of the single-page app is the same index.html.
    event.respondWith(networkFirst(request, scope.href));
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
    return;
  }
  const inScope = url.pathname.startsWith(scope.pathname) ? url.pathname.slice(scope.pathname.length - 1) : url.pathname;
  if (inScope === '/api/auth/session' || inScope === '/api/utility') {
    event.respondWith(networkFirst(request, request.url));
  }
});
