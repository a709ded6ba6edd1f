// Test driver for worker/ml-worker.js, evaluated in a page of the served app.
// It keeps every reply per request id, so a test reads the whole conversation
// (progress, tokens, then one result or error) with one page.evaluate.
(() => {
  const worker = new Worker(window.mlWorkerUrl ?? '/worker/ml-worker.js', { type: 'module' });
  const replies = new Map(); // id → [reply, ...]
  const finals = new Map(); // id → Promise resolved with the replies once result/error arrives
  const resolvers = new Map();
  const crashes = [];
  const testReplies = []; // answers of tests/worker/hooked-worker.js
  let nextId = 1;

  const FINAL = new Set(['result', 'error']);

  // Typed arrays become plain lists (with their type recorded) to cross into Python.
  function plain(reply) {
    const payload = reply.payload;
    if (payload && ArrayBuffer.isView(payload.vectors)) {
      return {
        ...reply,
        payload: { ...payload, vectors: Array.from(payload.vectors), vectors_type: payload.vectors.constructor.name },
      };
    }
    return reply;
  }

  function expect(id) {
    if (!finals.has(id)) {
      replies.set(id, []);
      finals.set(id, new Promise((resolve) => resolvers.set(id, resolve)));
    }
  }

  worker.addEventListener('message', (event) => {
    if (event.data && 'test' in event.data) {
      testReplies.push(event.data);
      return;
    }
    const reply = { ...plain(event.data), at: performance.now() };
    expect(reply.id);
    replies.get(reply.id).push(reply);
    if (FINAL.has(reply.type)) resolvers.get(reply.id)(replies.get(reply.id));
  });
  worker.addEventListener('error', (event) => crashes.push(event.message || 'worker error'));

  window.mlWorker = {
    crashes,
    testReplies,
    /** Send a request; returns its id. */
    send(type, payload) {
      const id = nextId++;
      expect(id);
      worker.postMessage({ id, type, payload });
      return id;
    },
    /** Send any message as is (malformed requests). */
    sendRaw(message) {
      worker.postMessage(message);
    },
    /** All replies of ``id`` once its result or error arrives (rejects after timeoutMs). */
    done(id, timeoutMs) {
      expect(id);
      return Promise.race([
        finals.get(id),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`no final reply for request ${id} in ${timeoutMs} ms; crashes: ${crashes}`)), timeoutMs),
        ),
      ]);
    },
    /** Resolve once request ``id`` has a reply of ``type`` (a token, say). */
    async waitFor(id, type, timeoutMs) {
      expect(id);
      const deadline = performance.now() + timeoutMs;
      while (!replies.get(id).some((reply) => reply.type === type || FINAL.has(reply.type))) {
        if (performance.now() > deadline) throw new Error(`no ${type} reply for request ${id} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return replies.get(id);
    },
    /** Send and wait: all replies of the request. */
    call(type, payload, timeoutMs) {
      return this.done(this.send(type, payload), timeoutMs);
    },
  };
})();
