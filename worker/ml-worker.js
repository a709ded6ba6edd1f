// The ML worker: a plain module worker that owns Transformers.js, the device ladder,
// model loading with progress, embeddings, vector search and streaming generation.
//
// Protocol (contracts/protocol.py, written by the site build to protocol.json):
// requests {id, type, payload}; replies {id, type: progress|token|result|error, ...}.
// Every request ends with exactly one result or error; every handler is awaited inside
// a try/catch, so nothing it throws is lost; every reply is checked against the
// protocol before it is posted.

import protocol from './protocol.json' with { type: 'json' };
import { WorkerError, asErrorFields, badRequest } from './errors.js';
import { probeDevice } from './device.js';
import { checkMessages } from './generation.js';
import * as manager from './model-manager.js';
import * as models from './models.js';
import { checkInteger, checkReply, checkRequest, requestId } from './request.js';
import { threadCount } from './runtime.js';
import { loadIndex, search } from './vector-index.js';

/**
 * Request type → async (payload, reply) => result payload. ``reply`` sends progress and
 * token replies for this request and lists buffers to transfer with the result.
 */
const HANDLERS = Object.freeze({
  async hello({ protocol: version }) {
    if (version !== protocol.version) {
      throw new WorkerError(
        'incompatible',
        `the page speaks protocol ${version} and this worker ${protocol.version}: reload the page`,
      );
    }
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

  async generate({ model, messages, max_new_tokens, reuse_prefix }, reply) {
    checkMessages(messages);
    checkInteger('generate', 'max_new_tokens', max_new_tokens, 1);
    return models.generate(model, reply.id, {
      messages,
      maxNewTokens: max_new_tokens,
      reusePrefix: reuse_prefix !== false,
      onText: (text) => reply.token(text),
    });
  },

  async interrupt({ target }) {
    return { interrupted: models.interrupt(target) };
  },

  async unload({ model }) {
    return { unloaded: await models.unload(model) };
  },

  async models({ force_webgpu }) {
    return manager.listModels(force_webgpu);
  },

  async download({ model, force_webgpu }, reply) {
    return manager.download(model, force_webgpu, (loaded, total, file) => reply.progress(loaded, total, file));
  },

  async delete({ model }) {
    return manager.remove(model);
  },

  async verify({ model, force_webgpu }, reply) {
    return manager.verify(model, force_webgpu, (loaded, total, file) => reply.progress(loaded, total, file));
  },
});

const unhandled = Object.keys(protocol.requests).filter((type) => !(type in HANDLERS));
if (unhandled.length > 0) {
  // hello reports what is handled, so Python sees the mismatch too; this names it in the console.
  console.error(`ml-worker: protocol.json has request types this worker does not handle: ${unhandled.join(', ')}`);
}

/**
 * Post ``message`` (a reply to a ``type`` request) after checking it against the
 * protocol; a reply that breaks it is replaced by a "failed" error that says how, so a
 * handler bug reaches Python as an error, never as a malformed reply.
 */
function post(type, message, transfer = []) {
  try {
    checkReply(type, message);
  } catch (error) {
    console.error(`ml-worker: ${error.message}`);
    self.postMessage({ id: message.id, type: 'error', code: 'failed', message: `worker bug: ${error.message}` });
    return;
  }
  self.postMessage(message, transfer);
}

/** Answer one request: progress/token replies as they come, then one result or error. */
async function handle(message) {
  const id = requestId(message);
  const transfer = [];
  let type = typeof message?.type === 'string' && Object.hasOwn(HANDLERS, message.type) ? message.type : null;
  const reply = {
    id,
    progress: (loaded, total, file) => post(type, { id, type: 'progress', loaded, total, file }),
    token: (text) => post(type, { id, type: 'token', text }),
    transfer: (buffer) => transfer.push(buffer),
  };
  try {
    const request = checkRequest(message);
    type = request.type;
    const handler = HANDLERS[type];
    if (!handler) throw badRequest(`this worker does not handle "${type}" requests`);
    const payload = await handler(request.payload, reply);
    post(type, { id, type: 'result', payload }, transfer);
  } catch (error) {
    post(type, { id, type: 'error', ...asErrorFields(error, type ?? 'request') });
  }
}

self.addEventListener('message', (event) => {
  // Not awaited: a long load or generation must not hold up an interrupt behind it.
  handle(event.data);
});

self.addEventListener('messageerror', () => {
  const error = asErrorFields(badRequest('a request could not be deserialized'), 'request');
  post(null, { id: protocol.unknown_id, type: 'error', ...error });
});
