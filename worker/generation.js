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

const PREFIX = Symbol('prompt prefix cache');

/** True when every tensor of ``cache`` lives in CPU memory (WASM): only such a cache can be
 * shared, since Transformers.js disposes a GPU-buffer entry as soon as a step replaces it. */
function onCpu(cache) {
  return Object.values(cache).every((tensor) => tensor.location === 'cpu');
}

/**
 * The key/value cache of the chat's fixed prefix (its system message, as the chat template
 * renders it) for this ``inputs`` prompt, computed once per system text and model and kept on
 * the model: a fresh DynamicCache holding the prefix's tensors (a generation replaces the
 * entries of the cache it is given, never the tensors themselves), or null when the prompt
 * has no system message, does not start with the prefix's tokens, or the cache is on a GPU.
 * ``reused`` is the number of prompt tokens it covers.
 */
async function prefixCache(transformers, pipe, messages, inputs) {
  const { tokenizer, model } = pipe;
  if (messages.length < 2 || messages[0].role !== 'system' || model[PREFIX]?.unusable) return null;
  const text = tokenizer.apply_chat_template([messages[0]], { add_generation_prompt: false, tokenize: false });
  let entry = model[PREFIX];
  if (entry?.text !== text) {
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    const prompt = inputs.input_ids.data;
    if (ids.length >= prompt.length || ids.some((id, i) => BigInt(id) !== prompt[i])) return null;
    const output = await model.generate({
      input_ids: new transformers.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new transformers.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      max_new_tokens: 1,
      do_sample: false,
      return_dict_in_generate: true,
    });
    if (!onCpu(output.past_key_values)) {
      await output.past_key_values.dispose();
      model[PREFIX] = { unusable: true };
      return null;
    }
    entry = { text, ids, cache: output.past_key_values };
    model[PREFIX] = entry;
  }
  const prompt = inputs.input_ids.data;
  const { ids } = entry;
  if (ids.length >= prompt.length || ids.some((id, i) => BigInt(id) !== prompt[i])) return null;
  return { cache: new transformers.DynamicCache({ ...entry.cache }), reused: ids.length };
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
 *   prompt_tokens: number, reused_tokens: number}>} reused_tokens: prompt tokens whose keys and
 *   values came from the prefix cache
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

/** Run the model once so WebGPU compiles its shaders before the load reports ready. */
export async function warmUp(transformers, pipe, role) {
  if (role === 'embedder') {
    await embedTexts(pipe, ['warm-up'], '');
  } else {
    await generateChat(transformers, pipe, { messages: [{ role: 'user', content: 'Hi' }], maxNewTokens: 1, reusePrefix: false });
  }
}
