/* Tropa before Python has started: the prerendered page of the address, at once.
 *
 * The build (builder/prerender.py) runs the app's own view functions under CPython and
 * writes the library, every trail and every topic in every UI language to
 * /pages/<lang>/<route>.json; index.html carries the English library inline. This script
 * runs in <head>, before the body is drawn: it picks the page for location.hash in the
 * language the app will pick (app.core.i18n.pick_language: the learner's stored choice,
 * else the browser's languages), fetches it and puts it in #app, which stays hidden until
 * then (or shows the splash, when the page takes longer than the document). Until the
 * app's shell marks #app with data-state (app/ui/shell.py), it also follows links
 * (hashchange), the language buttons and the skip link, and says which part of PyScript's
 * start is under way; from then on the app owns the page and this script does nothing.
 *
 * The app's first render goes through window.tropaPrerender.takeOver (app/bridge/dom.py):
 * it keeps every node of the prerendered page that the app's markup has too, so the text
 * the learner is reading is not drawn again (nor counted again as the largest paint).
 */
(() => {
  const config = JSON.parse(document.getElementById('prerender-config').textContent);
  const STORED = 'tropa.lang';  // app/bridge/preferences.py: localStorage, prefix "tropa."
  const ROUTE = /^(roadmap|topic)\/[a-z0-9][a-z0-9.-]{0,120}$/;  // app/core/library/routes.py
  const root = document.documentElement;
  const THEME = 'tropa.theme';  // app/ui/comfort_view.py: system (no attribute), light, dark
  let shown = config.first;  // "<lang>:<page>" that #app holds; null for the splash
  let wanted = config.first;
  let stage = 'runtime';
  const parsed = new Promise((resolve) => {
    if (document.readyState !== 'loading') resolve();
    // "interactive": the body is parsed, PyScript's module has not run yet.
    else document.addEventListener('readystatechange', resolve, { once: true });
  });

  const app = () => document.getElementById('app');
  const taken = () => app() !== null && app().dataset.state !== undefined;

  function language() {
    let stored = null;
    try {
      stored = localStorage.getItem(STORED);
    } catch {
      // storage disabled: as the app, fall back to the browser's languages
    }
    if (config.languages.includes(stored)) return stored;
    for (const tag of navigator.languages || [navigator.language || '']) {
      const base = tag.split('-')[0].toLowerCase();
      if (config.languages.includes(base)) return base;
    }
    return config.default;
  }

  function storedTheme() {
    try {
      const theme = localStorage.getItem(THEME);
      return theme === 'light' || theme === 'dark' ? theme : 'system';
    } catch {
      return 'system';
    }
  }

  /** The learner's colour theme on <html> (tropa.css), and pressed in the page's switch. */
  function showTheme(theme = storedTheme()) {
    if (theme === 'system') root.removeAttribute('data-theme');
    else root.dataset.theme = theme;
    if (taken()) return;
    for (const button of document.querySelectorAll('#app button.theme[data-theme]')) {
      const chosen = button.dataset.theme === theme;
      button.setAttribute('aria-pressed', String(chosen));
      button.classList.toggle('current', chosen);
    }
  }

  function pageOf(hash) {
    const path = hash.replace(/^#/, '').replace(/^\/+|\/+$/g, '');
    if (!path) return 'home';
    return ROUTE.test(path) ? path : null;
  }

  function showStage() {
    const words = config.stages[root.lang] || config.stages[config.default];
    for (const element of document.querySelectorAll('#app .boot-stage')) element.textContent = words[stage];
  }

  function put(html, key) {
    app().innerHTML = html;
    shown = key;
    showStage();
    showTheme();
  }

  function splash() {
    put(document.getElementById('boot-splash').innerHTML, null);
  }

  async function show(scroll) {
    if (taken()) return;
    const lang = language();
    const page = pageOf(location.hash);
    const key = page && `${lang}:${page}`;
    if (key === shown && key !== null) return;
    wanted = key;
    if (key === null) {  // a page the app draws itself (notes, search...): the splash
      await parsed;
      if (!taken() && wanted === key) splash();
      return;
    }
    root.classList.add('prerender-pending');
    parsed.then(() => {
      // The document is there before the page: show the splash rather than nothing.
      if (!taken() && wanted === key && shown !== key) splash();
      if (wanted === key) root.classList.remove('prerender-pending');
    });
    let data = null;
    try {
      const response = await fetch(`${config.pages}${lang}/${page}.json`);
      if (response.ok) data = await response.json();
    } catch {
      // offline and not cached: the app draws the page when it has started
    }
    await parsed;
    if (taken() || wanted !== key) return;
    root.classList.remove('prerender-pending');
    if (data === null) return;  // the splash stays
    put(data.html, key);
    root.lang = data.lang;
    document.title = data.title;
    const description = document.querySelector('meta[name="description"]');
    if (description) description.setAttribute('content', data.description);
    if (scroll) window.scrollTo(0, 0);
  }

  const sameKind = (a, b) => a.nodeType === Node.ELEMENT_NODE && b.nodeType === Node.ELEMENT_NODE
    && a.tagName === b.tagName && a.id === b.id && a.getAttribute('class') === b.getAttribute('class');

  /** Make `old`'s children those of `fresh` (moving nodes out of it), keeping the equal ones. */
  function morphChildren(old, fresh) {
    let cursor = old.firstChild;
    for (const node of Array.from(fresh.childNodes)) {
      let match = null;
      for (let probe = cursor; probe && !match; probe = probe.nextSibling) {
        // Text is matched in place only: a far " " must not take the nodes before it along.
        if (probe.isEqualNode(node)) match = probe;
        else if (node.nodeType !== Node.ELEMENT_NODE) break;
      }
      if (!match && node.nodeType === Node.ELEMENT_NODE) {
        for (let probe = cursor; probe && !match; probe = probe.nextSibling) {
          if (sameKind(probe, node)) {
            match = probe;
            morph(probe, node);
          }
        }
      }
      if (match) {
        while (cursor !== match) {
          const next = cursor.nextSibling;
          cursor.remove();
          cursor = next;
        }
        cursor = match.nextSibling;
      } else {
        old.insertBefore(node, cursor);
      }
    }
    while (cursor) {
      const next = cursor.nextSibling;
      cursor.remove();
      cursor = next;
    }
  }

  function morph(old, fresh) {
    for (const { name } of Array.from(old.attributes)) if (!fresh.hasAttribute(name)) old.removeAttribute(name);
    for (const { name, value } of Array.from(fresh.attributes)) {
      if (old.getAttribute(name) !== value) old.setAttribute(name, value);
    }
    morphChildren(old, fresh);
  }

  window.tropaPrerender = {
    /** Put `html` in `root`, keeping the nodes already there that it has too. */
    takeOver(root, html) {
      const fresh = document.createElement('div');
      fresh.innerHTML = html;
      const expected = fresh.innerHTML;
      morphChildren(root, fresh);
      if (root.innerHTML !== expected) root.innerHTML = html;  // never a page the app did not draw
    },
  };

  window.addEventListener('hashchange', () => show(true));
  window.addEventListener('py:progress', (event) => {
    if (config.progress[event.detail]) {
      stage = config.progress[event.detail];
      if (!taken()) showStage();
    }
  });
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('#app [data-action]');
    if (!button || taken()) return;
    if (button.dataset.action === 'language' && config.languages.includes(button.dataset.lang)) {
      try {
        localStorage.setItem(STORED, button.dataset.lang);
      } catch {
        // storage disabled: the app starts in the browser's language
      }
      show(false);
    } else if (button.dataset.action === 'theme' && ['system', 'light', 'dark'].includes(button.dataset.theme)) {
      try {
        localStorage.setItem(THEME, button.dataset.theme);
      } catch {
        // storage disabled: the choice lasts until the page is left
      }
      showTheme(button.dataset.theme);
    } else if (button.dataset.action === 'ask-tutor') {
      event.preventDefault();  // "#tutor" is not a route; the panel comes with the app
    } else if (button.dataset.action === 'skip') {
      event.preventDefault();  // "#main" is not a route
      const heading = document.querySelector('#app main h1');
      if (heading) {
        heading.setAttribute('tabindex', '-1');
        heading.focus();
      }
    }
  });
  // The search box is the app's: before it runs, a submit would reload the page.
  document.addEventListener('submit', (event) => {
    if (!taken()) event.preventDefault();
  });
  showTheme();  // before the first paint: no flash of the other theme
  parsed.then(() => showTheme());  // the inline library's switch
  show(false);
})();
