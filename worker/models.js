// Loaded models: one lazy singleton per model id, loaded down the device ladder
// (WebGPU → WASM, never a dead end) with byte progress and a warm-up run.

import { WorkerError, badRequest, describe } from './errors.js';
import { firstChoice, probeDevice, wasmChoice } from './device.js';
import { DownloadWatch } from './download.js';
import { embedTexts, generateChat, warmUp } from './generation.js';
import { filesFor, modelEntry, runtime } from './runtime.js';

const TASKS = Object.freeze({ embedder: 'feature-extraction', generator: 'text-generation' });

/**
 * Model id → slot: {ready: Promise<slot>, entry, pipe, device, dtype, reason, result,
 * running: Set<Promise>} (``running``: the calls in flight on it, awaited by unload).
 */
const slots = new Map();

/**
 * Load ``modelId`` (a manifest id of ``role``) and return the load result
 * {model, device, dtype, reason, files, bytes, load_ms, warm_ms}. A model already
 * loaded (or loading) is not loaded again: its result comes back with ``cached: true``.
 * ``onProgress(loaded, total, file)`` gets bytes across all files of the load.
 */
export async function loadModel(modelId, role, forceWebGpu, onProgress) {
  const entry = await modelEntry(modelId);
  if (!(role in TASKS)) {
    throw badRequest(`load role must be one of: ${Object.keys(TASKS).join(', ')}; got "${role}"`);
  }
  if (entry.role !== role) throw badRequest(`model "${modelId}" is a ${entry.role}, not a ${role}`);
  const existing = slots.get(modelId);
  if (existing) return { ...(await existing.ready).result, cached: true };
  const slot = { entry, running: new Set() };
  slot.ready = loadLadder(slot, forceWebGpu, onProgress).catch((error) => {
    slots.delete(modelId);
    throw error;
  });
  slots.set(modelId, slot);
  return (await slot.ready).result;
}

async function loadLadder(slot, forceWebGpu, onProgress) {
  const { entry } = slot;
  const probe = await probeDevice(forceWebGpu);
  let choice = firstChoice(entry, probe);
  if (!choice) throw new WorkerError('load-failed', `model "${entry.id}" has no WASM build in the manifest`);
  const watch = new DownloadWatch(entry.id, onProgress);
  const started = performance.now();
  let webgpuError = null;
  try {
    if (choice.device === 'webgpu') {
      watch.add(filesFor(entry, choice.dtype));
      try {
        return finish(slot, choice, await loadOn(entry, choice, watch), started, watch);
      } catch (error) {
        webgpuError = error;
        choice = wasmChoice(entry, `webgpu-load-failed: ${describe(error)}`);
        if (!choice) throw new WorkerError('load-failed', `model "${entry.id}" failed on webgpu (${describe(error)}) and has no WASM build`);
      }
    }
    watch.add(filesFor(entry, choice.dtype));
    try {
      return finish(slot, choice, await loadOn(entry, choice, watch), started, watch);
    } catch (error) {
      const earlier = webgpuError ? `; on webgpu before: ${describe(webgpuError)}` : '';
      if (error instanceof WorkerError && error.code === 'not-found') {
        throw new WorkerError('not-found', `${error.message}${earlier}`, { cause: error });
      }
      throw new WorkerError(
        'load-failed',
        `model "${entry.id}" could not be loaded on wasm (${choice.dtype}): ${describe(error)}${earlier}`,
        { cause: error },
      );
    }
  } finally {
    watch.stop();
  }
}

/** Create the pipeline on one device and warm it up; dispose it if the warm-up fails. */
async function loadOn(entry, { device, dtype }, watch) {
  const transformers = await runtime();
  const loading = transformers.pipeline(TASKS[entry.role], entry.id, { device, dtype });
  let pipe;
  try {
    pipe = await watch.guard(loading);
  } catch (error) {
    // The guard may have won the race: free whatever the pipeline still builds.
    loading.then((late) => late.dispose(), () => {});
    throw error;
  }
  const loadedAt = performance.now();
  try {
    await warmUp(transformers, pipe, entry.role);
  } catch (error) {
    await pipe.dispose().catch(() => {});
    throw error;
  }
  return { pipe, warmMs: performance.now() - loadedAt };
}

function finish(slot, choice, { pipe, warmMs }, started, watch) {
  Object.assign(slot, { pipe, ...choice });
  slot.result = {
    model: slot.entry.id,
    device: choice.device,
    dtype: choice.dtype,
    reason: choice.reason,
    files: watch.files.size,
    bytes: watch.total,
    load_ms: performance.now() - started - warmMs,
    warm_ms: warmMs,
  };
  return slot;
}

/** The loaded slot of ``modelId`` with ``role``; waits for a load in progress. */
async function loadedSlot(modelId, role) {
  const slot = slots.get(modelId);
  if (!slot) throw new WorkerError('not-loaded', `model "${modelId}" is not loaded: send load first`);
  try {
    await slot.ready;
  } catch (error) {
    throw new WorkerError('not-loaded', `model "${modelId}" is not loaded: its load failed: ${describe(error)}`);
  }
  if (slot.entry.role !== role) throw badRequest(`model "${modelId}" is a ${slot.entry.role}, not a ${role}`);
  return slot;
}

/**
 * Run ``work(transformers, pipe)`` on a loaded model. If it throws on WebGPU, reload the
 * model on WASM once (reason "webgpu-run-failed: ...") and run it again: a WebGPU device
 * can be lost at any time (driver reset, tab in background on some systems).
 */
async function runOn(slot, work, { retry = () => true } = {}) {
  const task = (async () => {
    const transformers = await runtime();
    try {
      return await work(transformers, slot.pipe);
    } catch (error) {
      const choice = wasmChoice(slot.entry, `webgpu-run-failed: ${describe(error)}`);
      if (slot.device !== 'webgpu' || !choice || !retry() || slots.get(slot.entry.id) !== slot) throw error;
      await slot.pipe.dispose().catch(() => {});
      const watch = new DownloadWatch(slot.entry.id, () => {});
      watch.add(filesFor(slot.entry, choice.dtype));
      try {
        slot.pipe = (await loadOn(slot.entry, choice, watch)).pipe;
      } finally {
        watch.stop();
      }
      Object.assign(slot, choice);
      Object.assign(slot.result, choice);
      return work(transformers, slot.pipe);
    }
  })();
  slot.running.add(task);
  try {
    return await task;
  } finally {
    slot.running.delete(task);
  }
}

/** Embeddings of ``texts`` (each prefixed): {vectors: Float32Array(n*dim), dim}. */
export async function embed(modelId, texts, prefix) {
  const slot = await loadedSlot(modelId, 'embedder');
  texts.forEach((text, index) => {
    if (typeof text !== 'string') throw badRequest(`embed texts[${index}] must be a string`);
  });
  if (texts.length === 0) return { vectors: new Float32Array(0), dim: slot.entry.dim };
  return runOn(slot, (_, pipe) => embedTexts(pipe, texts, prefix));
}

/** Request id → {modelId, stop: InterruptableStoppingCriteria} of generations in flight. */
const generations = new Map();

/**
 * Generate a chat answer for request ``requestId``; see generateChat. The result adds
 * the device, dtype and reason it ran with: a WebGPU failure at run time moves the model
 * to WASM and starts the answer again, so text streamed before the failure is repeated
 * (the result's ``text`` is the whole answer).
 */
export async function generate(modelId, requestId, { messages, maxNewTokens, onText }) {
  const slot = await loadedSlot(modelId, 'generator');
  const transformers = await runtime();
  const stop = new transformers.InterruptableStoppingCriteria();
  generations.set(requestId, { modelId, stop });
  try {
    const result = await runOn(
      slot,
      (_, pipe) => generateChat(transformers, pipe, { messages, maxNewTokens, stop, onText }),
      { retry: () => !stop.interrupted },
    );
    return { ...result, device: slot.device, dtype: slot.dtype, reason: slot.reason };
  } finally {
    generations.delete(requestId);
  }
}

/** Stop the generation of request ``requestId``; false when none is running. */
export function interrupt(requestId) {
  const generation = generations.get(requestId);
  if (!generation) return false;
  generation.stop.interrupt();
  return true;
}

/** Dispose ``modelId``; false when it was not loaded. Its generations are stopped first. */
export async function unload(modelId) {
  const slot = slots.get(modelId);
  if (!slot) return false;
  slots.delete(modelId);
  try {
    await slot.ready;
  } catch {
    return false; // its load failed: nothing to dispose
  }
  for (const [requestId, generation] of generations) {
    if (generation.modelId === modelId) interrupt(requestId);
  }
  await Promise.allSettled([...slot.running]);
  await slot.pipe.dispose();
  return true;
}
