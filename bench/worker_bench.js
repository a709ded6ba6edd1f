// Page-side helper of bench/browser_vs_native.py, evaluated in a page of the served app.
// It drives the real ML worker (/worker/ml-worker.js) through its protocol and times every
// request in the page (performance.now around the postMessage round trip), so the
// Python<->page hop of Playwright is never inside a measurement.
(() => {
  const FINAL = new Set(['result', 'error']);
  let worker = null;
  let nextId = 1;
  const pending = new Map(); // id -> {resolve, sentAt, firstTokenAt, tokenReplies}
  const crashes = [];

  function start() {
    // The bench sets BENCH_WORKER_URL to its thread-count entry (worker_threads.js) when needed.
    worker = new Worker(self.BENCH_WORKER_URL || '/worker/ml-worker.js', { type: 'module' });
    worker.addEventListener('message', (event) => {
      const message = event.data;
      const at = performance.now();
      const entry = pending.get(message.id);
      if (!entry) return;
      if (message.type === 'token') {
        entry.firstTokenAt ??= at;
        entry.tokenReplies += 1;
      } else if (FINAL.has(message.type)) {
        pending.delete(message.id);
        entry.resolve({ ...message, sentAt: entry.sentAt, doneAt: at, firstTokenAt: entry.firstTokenAt, tokenReplies: entry.tokenReplies });
      }
    });
    worker.addEventListener('error', (event) => crashes.push(event.message || 'worker error'));
  }

  /** One request: resolves with its final reply plus page timings; rejects after timeoutMs. */
  function call(type, payload, timeoutMs) {
    const id = nextId++;
    let timer;
    const done = new Promise((resolve) => {
      pending.set(id, { resolve, sentAt: performance.now(), firstTokenAt: null, tokenReplies: 0 });
      worker.postMessage({ id, type, payload });
    });
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${type}: no final reply in ${Math.round(timeoutMs / 1000)} s (worker crashes: ${crashes.join('; ') || 'none'})`));
      }, timeoutMs);
    });
    return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  }

  function ok(reply) {
    if (reply.type !== 'result') throw new Error(`${reply.code}: ${reply.message}`);
    return reply.payload;
  }

  function roundTrip(reply) {
    return reply.doneAt - reply.sentAt;
  }

  start();

  window.bench = {
    crashes,

    /** Terminate the worker (a request that timed out may still be running) and start a fresh one. */
    reset() {
      worker.terminate();
      pending.clear();
      start();
    },

    /** Any request: its result payload and the page round trip (ms). Typed arrays are dropped. */
    async call(type, payload, timeoutMs) {
      const reply = await call(type, payload, timeoutMs);
      const result = ok(reply);
      const plain = {};
      for (const [key, value] of Object.entries(result ?? {})) {
        plain[key] = ArrayBuffer.isView(value) ? `${value.constructor.name}(${value.length})` : value;
      }
      return { payload: plain, ms: roundTrip(reply) };
    },

    /** Facts of the page itself. */
    facts() {
      return {
        isolated: self.crossOriginIsolated,
        hardwareConcurrency: navigator.hardwareConcurrency,
        userAgent: navigator.userAgent,
      };
    },

    /**
     * The prompt token ids Transformers.js makes of ``messages`` for ``model`` (the same
     * apply_chat_template call the worker makes), from the page's own Transformers.js.
     */
    async promptIds(model, messages) {
      const paths = await (await fetch('/worker/paths.json')).json();
      const { AutoTokenizer, env } = await import(paths.transformers);
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = paths.models;
      env.useBrowserCache = false;
      const tokenizer = await AutoTokenizer.from_pretrained(model);
      let ids = tokenizer.apply_chat_template(messages, {
        add_generation_prompt: true, tokenize: true, return_tensor: false, return_dict: false,
      });
      if (Array.isArray(ids[0])) ids = ids[0];
      return Array.from(ids, Number);
    },

    /** One greedy generation: the worker's own timings and the page's. ``reusePrefix``: the
     * worker may take the system message's keys and values from its cache (false: computes all). */
    async generate(model, messages, maxNewTokens, timeoutMs, reusePrefix = false) {
      const payload = { model, messages, max_new_tokens: maxNewTokens, reuse_prefix: reusePrefix };
      const reply = await call('generate', payload, timeoutMs);
      const result = ok(reply);
      return {
        tokens: result.tokens,
        ttft_ms: result.ttft_ms,
        ms: result.ms,
        text: result.text,
        page_ttft_ms: reply.firstTokenAt === null ? null : reply.firstTokenAt - reply.sentAt,
        page_ms: roundTrip(reply),
        token_replies: reply.tokenReplies,
        prompt_tokens: result.prompt_tokens ?? null,
        reused_tokens: result.reused_tokens ?? 0,
      };
    },

    /** ``runs`` embeds of ``texts`` one after another: round trips (ms) and the last vectors' first rows. */
    async embed(model, texts, prefix, runs, timeoutMs, sampleRows) {
      const times = [];
      let last = null;
      for (let i = 0; i < runs; i += 1) {
        const reply = await call('embed', { model, texts, prefix }, timeoutMs);
        last = ok(reply);
        times.push(roundTrip(reply));
      }
      const sample = [];
      for (let row = 0; row < Math.min(sampleRows, texts.length); row += 1) {
        sample.push(Array.from(last.vectors.subarray(row * last.dim, (row + 1) * last.dim)));
      }
      return { times, dim: last.dim, sample };
    },

    /** ``runs`` searches of the whole index one after another: round trips (ms) and the last hits. */
    async search(vector, k, runs, timeoutMs) {
      const times = [];
      let hits = null;
      for (let i = 0; i < runs; i += 1) {
        const reply = await call('search', { vector, k, rows: [] }, timeoutMs);
        hits = ok(reply).hits;
        times.push(roundTrip(reply));
      }
      return { times, hits };
    },
  };
})();
