// The ML worker: a plain module worker that owns Transformers.js, the device ladder,
// model loading with progress, embeddings, vector search and streaming generation.
//
// Protocol (app/core/protocol.py, written by the site build to protocol.json):
// requests {id, type, payload}; replies {id, type: progress|token|result|error, ...}.
// Every request ends with exactly one result or error; every handler is awaited inside
// a try/catch, so nothing it throws is lost.

import protocol from './protocol.json' with { type: 'json' };
import { asErrorFields, badRequest } from './errors.js';
import { probeDevice } from './device.js';
import { checkMessages } from './generation.js';
import * as models from './models.js';
import { checkInteger, checkRequest, requestId } from './request.js';
import { threadCount } from './runtime.js';
import { loadIndex, search } from './vector-index.js';

/**
 * Request type → async (payload, reply) => result payload. ``reply`` sends progress and
 * token replies for this request and lists buffers to transfer with the result.
 */
const HANDLERS = Object.freeze({
  async hello() {
    return {
      protocol: protocol.version,
      handles: Object.keys(HANDLERS),
      isolated: self.crossOriginIsolated,
      threads: threadCount(),
    };
  },

  async probe({ force_webgpu }) {
    return probeDevice(force_webgpu);
  },

  async load({ model, role, force_webgpu }, reply) {
    return models.loadModel(model, role, force_webgpu, (loaded, total, file) =>
      reply.progress(loaded, total, file),
    );
  },

  async embed({ model, texts, prefix }, reply) {
    const { vectors, dim } = await models.embed(model, Array.from(texts), prefix);
    reply.transfer(vectors.buffer);
    return { vectors, dim };
  },

  async index(payload) {
    return loadIndex(payload);
  },

  async search(payload) {
    return { hits: search(payload) };
  },

  async generate({ model, messages, max_new_tokens }, reply) {
    checkMessages(messages);
    checkInteger('generate', 'max_new_tokens', max_new_tokens, 1);
    return models.generate(model, reply.id, {
      messages,
      maxNewTokens: max_new_tokens,
      onText: (text) => reply.token(text),
    });
  },

  async interrupt({ target }) {
    return { interrupted: models.interrupt(target) };
  },

  async unload({ model }) {
    return { unloaded: await models.unload(model) };
  },
});

const unhandled = Object.keys(protocol.requests).filter((type) => !(type in HANDLERS));
if (unhandled.length > 0) {
  // hello reports what is handled, so Python sees the mismatch too; this names it in the console.
  console.error(`ml-worker: protocol.json has request types this worker does not handle: ${unhandled.join(', ')}`);
}

function post(message, transfer = []) {
  self.postMessage(message, transfer);
}

/** Answer one request: progress/token replies as they come, then one result or error. */
async function handle(message) {
  const id = requestId(message);
  const transfer = [];
  const reply = {
    id,
    progress: (loaded, total, file) => post({ id, type: 'progress', loaded, total, file }),
    token: (text) => post({ id, type: 'token', text }),
    transfer: (buffer) => transfer.push(buffer),
  };
  let type = typeof message?.type === 'string' ? message.type : 'request';
  try {
    const request = checkRequest(message);
    type = request.type;
    const handler = HANDLERS[type];
    if (!handler) throw badRequest(`this worker does not handle "${type}" requests`);
    const payload = await handler(request.payload, reply);
    post({ id, type: 'result', payload }, transfer);
  } catch (error) {
    post({ id, type: 'error', ...asErrorFields(error, type) });
  }
}

self.addEventListener('message', (event) => {
  // Not awaited: a long load or generation must not hold up an interrupt behind it.
  handle(event.data);
});

self.addEventListener('messageerror', () => {
  post({ id: -1, type: 'error', ...asErrorFields(badRequest('a request could not be deserialized'), 'request') });
});
