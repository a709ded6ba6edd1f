/* Tropa's service worker, built with Workbox (vendored under /vendor/workbox@<version>/).
 *
 * - The app shell comes from a revisioned precache: the build (builder/pwa.py) writes the
 *   list of shell URLs and revisions into the precacheAndRoute call below. A rebuild that
 *   changes a shell file changes this script, so the browser installs the new version
 *   beside the old one; it waits until the page asks for it (SKIP_WAITING, sent when the
 *   learner presses Update), then the page reloads onto it.
 * - The compiled course library (/content/) is stale-while-revalidate: read from the
 *   cache at once, refreshed from the network behind it.
 * - Models (/models/), the API and every other request are left to the network: model
 *   files are stored by the model store, not here.
 * - Responses are cached with their headers, so a page served from the cache keeps its
 *   COOP/COEP headers and stays cross-origin isolated.
 *
 * Every cache this worker owns is named `tropa-sw-...`; on activation it deletes only
 * caches with that prefix that it no longer uses, never another part's cache.
 */
importScripts('__WORKBOX__/workbox-sw.js');
// debug:false always loads the production builds (the only ones vendored), on localhost too.
workbox.setConfig({ debug: false, modulePathPrefix: '__WORKBOX__/' });

const VERSION = '__VERSION__';
const PREFIX = 'tropa-sw';
const LAYOUT = 'v1';
workbox.core.setCacheNameDetails({ prefix: PREFIX, suffix: LAYOUT, precache: 'precache', runtime: 'runtime' });
const CONTENT_CACHE = `${PREFIX}-content-${LAYOUT}`;
const OWNED = [workbox.core.cacheNames.precache, CONTENT_CACHE];
const LIBRARY = '/content/library.json';

// Every module is loaded now: a service worker may not importScripts after install.
const { precaching, routing, strategies } = workbox;

// Query strings are ignored for shell files: `/?webgpu=force` is the same page as `/`.
precaching.precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });

/** Drop cached /content/ files that the newly cached library.json no longer names. */
const pruneContent = {
  async cacheDidUpdate({ cacheName, request, newResponse }) {
    if (new URL(request.url).pathname !== LIBRARY || !newResponse) return;
    const named = new Set();
    const collect = (value) => {
      if (typeof value === 'string' && value.startsWith('/content/')) named.add(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    try {
      collect(await newResponse.clone().json());
    } catch {
      return;  // not JSON: keep everything rather than guess
    }
    const cache = await caches.open(cacheName);
    for (const key of await cache.keys()) {
      const path = new URL(key.url).pathname;
      if (path !== LIBRARY && !named.has(path)) await cache.delete(key);
    }
  },
};

routing.registerRoute(
  ({ url, request }) => url.origin === self.location.origin && url.pathname.startsWith('/content/')
    && !request.headers.has('range'),
  new strategies.StaleWhileRevalidate({ cacheName: CONTENT_CACHE, plugins: [pruneContent] }),
);

self.addEventListener('install', (event) => {
  // The first page fetched the library before this worker controlled it: cache it now so
  // the library opens offline. No library yet (a site without content) is not an error.
  event.waitUntil(caches.open(CONTENT_CACHE).then((cache) => cache.add(LIBRARY)).catch(() => undefined));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const stale = (await caches.keys()).filter((name) => name.startsWith(`${PREFIX}-`) && !OWNED.includes(name));
    await Promise.all(stale.map((name) => caches.delete(name)));
  })());
});

// The first version takes the open page at once, so what it reads next is cached; a later
// version waits for SKIP_WAITING instead (see the file's comment).
workbox.core.clientsClaim();

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'SKIP_WAITING') {
    self.skipWaiting();
  } else if (type === 'GET_VERSION' && event.ports[0]) {
    event.ports[0].postMessage({ version: VERSION, precache: workbox.core.cacheNames.precache, content: CONTENT_CACHE });
  }
});
