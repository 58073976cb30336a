// MedReach's service worker, for the hosted page only (index.html registers it when the page is
// served over http or https; the one-file build of scripts/offline.sh has none): it keeps this
// build's files, so a page visited once opens and works with the network off.
//
// scripts/pwa.mjs writes it into each build with BUILD (a hash of every file of the build) and
// FILES (their names) filled in. Each build keeps its files in its own cache; a new build is a
// new sw.js, which the browser installs beside the old one and activates once no page of the
// old build is open (an open page may still start its engine from the old files), deleting the
// old build's cache then. The page itself always comes from the network first, so a new build
// shows as soon as the network answers; its cached copy answers only when the network does not.
// Other files come from the cache, else the network, and are kept then (a page of a newer build
// that this worker still controls can so start its engine again offline).

const BUILD = 'unbuilt';
const FILES = [];

// The cache of this build for this scope: copies served under other paths of the same origin
// keep their own.
const PREFIX = `medreach ${self.registration.scope} `;
const CACHE = PREFIX + BUILD;

self.addEventListener('install', (event) => {
  // From the server, not the browser's HTTP cache, which may hold an older build's page.
  const requests = FILES.map((file) => new Request(file, { cache: 'reload' }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(self.registration.scope)) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(async () => {
        const cache = await caches.open(CACHE);
        return (
          (await cache.match(request, { ignoreSearch: true })) ??
          (await cache.match('./')) ??
          Response.error()
        );
      }),
    );
    return;
  }
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(request);
      if (hit) return hit;
      const response = await fetch(request);
      if (response.ok) event.waitUntil(cache.put(request, response.clone()));
      return response;
    })(),
  );
});
