/* The page's side of the service worker and of installation, loaded by index.html before
 * Python starts: the browser's `beforeinstallprompt` may fire in the first second, long
 * before Pyodide is ready, and an event nobody keeps is lost.
 *
 * It keeps, in `window.tropaPwa.state`, what the app's Python (app/bridge/pwa.py) shows:
 *   installable  the browser offers installation (the kept prompt event);
 *   updateReady  a new version of the service worker is installed and waiting;
 *   offlineReady a service worker controls the page (the shell is cached);
 * and dispatches `change` on `window.tropaPwa.events` whenever one of them changes.
 * `install()` shows the browser's prompt; `update()` tells the waiting version to take
 * over, and the page reloads when it has (`controllerchange`), so the whole page then
 * comes from the new version.
 */
const state = { installable: false, updateReady: false, offlineReady: false, installed: false };
const events = new EventTarget();
let prompt = null;
let waiting = null;

function changed() {
  events.dispatchEvent(new Event('change'));
}

addEventListener('beforeinstallprompt', (event) => {
  event.preventDefault();  // the app shows its own Install button instead
  prompt = event;
  state.installable = true;
  changed();
});

addEventListener('appinstalled', () => {
  prompt = null;
  Object.assign(state, { installable: false, installed: true });
  changed();
});

async function install() {
  if (!prompt) return 'unavailable';
  const event = prompt;
  prompt = null;
  state.installable = false;
  changed();
  await event.prompt();
  const choice = await event.userChoice;
  return choice.outcome;
}

function update() {
  if (!waiting) return false;
  waiting.postMessage({ type: 'SKIP_WAITING' });
  return true;
}

function track(registration) {
  const noteWaiting = () => {
    // Without a controller this is the first install, not an update.
    if (registration.waiting && navigator.serviceWorker.controller) {
      waiting = registration.waiting;
      state.updateReady = true;
      changed();
    }
  };
  noteWaiting();
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    if (worker) worker.addEventListener('statechange', () => { if (worker.state === 'installed') noteWaiting(); });
  });
}

if ('serviceWorker' in navigator) {
  const container = navigator.serviceWorker;
  // The first controller of a page is the version it was loaded from (the first install
  // claims the page). Any later change (this tab's Update, or another tab's) reloads: the
  // page's shell belongs to the old version, whose files are being removed.
  let controlled = Boolean(container.controller);
  let reloading = false;
  state.offlineReady = controlled;
  container.addEventListener('controllerchange', () => {
    if (!controlled) {
      controlled = true;
      state.offlineReady = true;
      changed();
    } else if (!reloading) {
      reloading = true;
      location.reload();
    }
  });
  container.register('/sw.js', { scope: '/' }).then(track, (error) => {
    console.error('service worker registration failed:', error);
  });
}

window.tropaPwa = { state, events, install, update };
