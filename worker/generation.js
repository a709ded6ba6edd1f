// Running a loaded pipeline: chat generation with streaming and interrupt, and embeddings.

import { badRequest } from './errors.js';

/** Throw bad-request unless ``messages`` is a chat: [{role, content}] of strings. */
export function checkMessages(messages) {
  if (messages.length === 0) throw badRequest('generate payload field \'messages\' is empty');
  messages.forEach((message, index) => {
    if (typeof message?.role !== 'string' || typeof message?.content !== 'string') {
      throw badRequest(`generate messages[${index}] must be {role: string, content: string}`);
    }
  });
}

// A port that posts to itself: awaiting its message is a macrotask boundary without
// setTimeout's 4 ms clamping of nested timers.
const ticker = new MessageChannel();
const waiting = [];
ticker.port1.onmessage = () => waiting.shift()?.();

function nextTask() {
  return new Promise((resolve) => {
    waiting.push(resolve);
    ticker.port2.postMessage(null);
  });
}

const YIELDS = Symbol('yields between steps');

/**
 * Make each decoding step of ``model`` start in a new task. On WASM, ORT's session.run
 * settles without leaving the microtask queue, so a generation would otherwise hold
 * the worker until its last token and an interrupt message would wait behind it
 * (measured: a 100 000-token request ran 2.6 s past its interrupt).
 */
function yieldBetweenSteps(model) {
  if (model[YIELDS]) return;
  const forward = model.forward.bind(model);
  model.forward = async (inputs) => {
    await nextTask();
    return forward(inputs);
  };
  model[YIELDS] = true;
}

const PREFIXES = Symbol('prompt prefix caches');
// System texts whose key/value caches a model keeps (least recently used dropped first): the
// tutor has one per language and intent (a hint-first policy changes the system text), so
// one slot would be recomputed at every switch. About 2 MB each for Qwen 0.5B (24 layers ×
// 2 × 2 heads × 64 × fp32 × ~80 tokens); dropped entries are CPU tensors, freed by the GC
// (a generation still running may be reading them).
const PREFIX_SLOTS = 4;

/** True when every tensor of ``cache`` lives in CPU memory (WASM): only such a cache can be
 * shared, since Transformers.js disposes a GPU-buffer entry as soon as a step replaces it. */
function onCpu(cache) {
  return Object.values(cache).every((tensor) => tensor.location === 'cpu');
}

/** The model's prefix caches: {entries: Map(text → {ids, cache}), unusable}. */
function prefixesOf(model) {
  model[PREFIXES] ??= { entries: new Map(), unusable: false };
  return model[PREFIXES];
}

function startsWith(prompt, ids) {
  return ids.length < prompt.length && ids.every((id, i) => BigInt(id) === prompt[i]);
}

/**
 * The key/value cache of the chat's fixed prefix (its system message, as the chat template
 * renders it) for this ``inputs`` prompt, computed once per system text and model and kept on
 * the model (PREFIX_SLOTS of them): a fresh DynamicCache holding the prefix's tensors (a
 * generation replaces the entries of the cache it is given, never the tensors themselves), or
 * null when the prompt has no system message, does not start with the prefix's tokens, or the
 * cache is on a GPU. ``reused`` is the number of prompt tokens it covers.
 */
async function prefixCache(transformers, pipe, messages, inputs) {
  const { tokenizer, model } = pipe;
  const prefixes = prefixesOf(model);
  if (messages.length < 2 || messages[0].role !== 'system' || prefixes.unusable) return null;
  const text = tokenizer.apply_chat_template([messages[0]], { add_generation_prompt: false, tokenize: false });
  const prompt = inputs.input_ids.data;
  let entry = prefixes.entries.get(text);
  const computed = !entry;
  if (entry) {
    prefixes.entries.delete(text); // re-inserted below: the most recently used comes last
  } else {
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    if (!startsWith(prompt, ids)) return null;
    const output = await model.generate({
      input_ids: new transformers.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new transformers.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      max_new_tokens: 1,
      do_sample: false,
      return_dict_in_generate: true,
    });
    if (!onCpu(output.past_key_values)) {
      await output.past_key_values.dispose();
      prefixes.unusable = true;
      return null;
    }
    entry = { ids, cache: output.past_key_values };
  }
  prefixes.entries.set(text, entry);
  while (prefixes.entries.size > PREFIX_SLOTS) prefixes.entries.delete(prefixes.entries.keys().next().value);
  if (!startsWith(prompt, entry.ids)) return null;
  return { cache: new transformers.DynamicCache({ ...entry.cache }), reused: entry.ids.length, computed };
}

/**
 * Greedy generation for a chat. A system message's key/value cache is computed once and
 * reused by every later chat with the same system message (see prefixCache).
 *
 * @param {object} transformers the Transformers.js module
 * @param {object} pipe a text-generation pipeline
 * @param {{messages: object[], maxNewTokens: number, stop?: object, onText?: (text: string) => void}} options
 *   stop: an InterruptableStoppingCriteria; onText: gets each piece of text as it forms
 * @returns {Promise<{text: string, tokens: number, ttft_ms: number|null, ms: number, interrupted: boolean,
 *   prompt_tokens: number, reused_tokens: number, prefix_computed: boolean}>} reused_tokens: prompt
 *   tokens whose keys and values came from a prefix cache; prefix_computed: that cache was
 *   computed for this prompt (false: kept from an earlier one, or none used)
 */
export async function generateChat(transformers, pipe, { messages, maxNewTokens, stop, onText, reusePrefix = true }) {
  const { tokenizer, model } = pipe;
  yieldBetweenSteps(model);
  const started = performance.now();
  const inputs = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, return_dict: true });
  let firstTokenAt = null;
  const streamer = new transformers.TextStreamer(tokenizer, {
    skip_prompt: true,
    skip_special_tokens: true,
    callback_function: (text) => onText?.(text),
    token_callback_function: () => {
      firstTokenAt ??= performance.now();
    },
  });
  const prefix = reusePrefix ? await prefixCache(transformers, pipe, messages, inputs) : null;
  const output = await model.generate({
    ...inputs,
    ...(prefix ? { past_key_values: prefix.cache } : {}),
    max_new_tokens: maxNewTokens,
    do_sample: false,
    streamer,
    stopping_criteria: stop ? [stop] : null,
  });
  const promptLength = inputs.input_ids.dims.at(-1);
  const generated = output.tolist()[0].slice(promptLength);
  return {
    text: tokenizer.decode(generated, { skip_special_tokens: true }),
    tokens: generated.length,
    ttft_ms: firstTokenAt === null ? null : firstTokenAt - started,
    ms: performance.now() - started,
    interrupted: Boolean(stop?.interrupted),
    prompt_tokens: promptLength,
    reused_tokens: prefix?.reused ?? 0,
    prefix_computed: prefix?.computed ?? false,
  };
}

/**
 * Mean-pooled, L2-normalised embeddings of ``texts``, each prefixed, as one Float32Array
 * of texts.length × dim that owns its whole buffer (so it can be transferred).
 */
export async function embedTexts(pipe, texts, prefix) {
  const output = await pipe(texts.map((text) => prefix + text), { pooling: 'mean', normalize: true });
  const dim = output.dims.at(-1);
  const vectors = Float32Array.from(output.data);
  output.dispose?.();
  return { vectors, dim };
}

// Tokens a generator's warm-up decodes on WASM. V8 first runs WebAssembly through its
// baseline compiler and recompiles hot functions with TurboFan while they run: measured
// here, the first answer after a load decoded about a quarter slower than later ones
// (10.1 against 13.9 tokens/s with every function optimised up front, bench/README.md).
// A few decode steps at load time run those kernels hot before the learner asks.
const WASM_WARM_UP_TOKENS = 8;

/**
 * Run the model once before the load reports ready: on WebGPU so that its shaders are
 * compiled, on WASM so that V8 has optimised the hot kernels (a few decode steps).
 */
export async function warmUp(transformers, pipe, role, device = 'wasm') {
  if (role === 'embedder') {
    await embedTexts(pipe, ['warm-up'], '');
  } else {
    const maxNewTokens = device === 'wasm' ? WASM_WARM_UP_TOKENS : 1;
    await generateChat(transformers, pipe, { messages: [{ role: 'user', content: 'Hi' }], maxNewTokens, reusePrefix: false });
  }
}
