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

/**
 * Greedy generation for a chat.
 *
 * @param {object} transformers the Transformers.js module
 * @param {object} pipe a text-generation pipeline
 * @param {{messages: object[], maxNewTokens: number, stop?: object, onText?: (text: string) => void}} options
 *   stop: an InterruptableStoppingCriteria; onText: gets each piece of text as it forms
 * @returns {Promise<{text: string, tokens: number, ttft_ms: number|null, ms: number, interrupted: boolean}>}
 */
export async function generateChat(transformers, pipe, { messages, maxNewTokens, stop, onText }) {
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
  const output = await model.generate({
    ...inputs,
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
    await generateChat(transformers, pipe, { messages: [{ role: 'user', content: 'Hi' }], maxNewTokens: 1 });
  }
}
