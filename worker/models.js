// Loaded models: one lazy singleton per model id, loaded down the device ladder
// (WebGPU → WASM, never a dead end) with byte progress and a warm-up run.

import { WorkerError, badRequest, describe } from './errors.js';
import { firstChoice, probeDevice, wasmChoice } from './device.js';
import { DownloadWatch } from './download.js';
import { embedTexts, generateChat, warmUp } from './generation.js';
import { filesFor, modelEntry, retire, runtime } from './runtime.js';

const TASKS = Object.freeze({ embedder: 'feature-extraction', generator: 'text-generation' });

/**
 * Model id → slot: {ready: Promise<slot>, entry, pipe, instance, device, dtype, reason,
 * result, running: Set<Promise>, reloading: Promise|null}. ``instance`` is the
 * Transformers.js instance the pipe was built on (runtime.js); ``running`` holds the
 * calls in flight, awaited by unload.
 */
const slots = new Map();

/**
 * Load ``modelId`` (a manifest id of ``role``) and return the load result
 * {model, device, dtype, reason, detail, files, bytes, load_ms, warm_ms}. A model already
 * loaded (or loading) is not loaded again: its result comes back with ``cached: true``.
 * ``onProgress(loaded, total, file)`` gets bytes across all files of the load.
 */
export async function loadModel(modelId, role, forceWebGpu, onProgress) {
  if (!(role in TASKS)) {
    throw badRequest(`load role must be one of: ${Object.keys(TASKS).join(', ')}; got "${role}"`);
  }
  const entry = await modelEntry(modelId);
  if (entry.role !== role) throw badRequest(`model "${modelId}" is a ${entry.role}, not a ${role}`);
  const existing = slots.get(modelId);
  if (existing) return { ...(await existing.ready).result, cached: true };
  const slot = { entry, running: new Set(), reloading: null };
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
        choice = wasmChoice(entry, 'webgpu-load-failed', describe(error));
        if (!choice) {
          throw new WorkerError('load-failed', `model "${entry.id}" failed on webgpu (${describe(error)}) and has no WASM build`);
        }
      }
    }
    watch.add(filesFor(entry, choice.dtype));
    try {
      return finish(slot, choice, await loadOn(entry, choice, watch), started, watch);
    } catch (error) {
      const earlier = webgpuError ? `; on webgpu before: ${describe(webgpuError)}` : '';
      // The model store's own failures (offline, no space) say what to do: keep them.
      if (error instanceof WorkerError && ['not-found', 'offline', 'no-space'].includes(error.code)) {
        throw new WorkerError(error.code, `${error.message}${earlier}`, { cause: error });
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

/**
 * Create the pipeline on one device with the current Transformers.js instance and warm it
 * up: {pipe, instance, warmMs}. On failure the pipe is disposed and the instance retired,
 * unless the failure was a missing file (nothing reached ONNX Runtime then).
 */
async function loadOn(entry, { device, dtype }, watch) {
  const instance = await runtime();
  const loading = instance.transformers.pipeline(TASKS[entry.role], entry.id, { device, dtype });
  let pipe = null;
  try {
    pipe = await watch.guard(loading);
    const loadedAt = performance.now();
    await warmUp(instance.transformers, pipe, entry.role, device);
    return { pipe, instance, warmMs: performance.now() - loadedAt };
  } catch (error) {
    if (pipe) {
      await pipe.dispose().catch(() => {});
    } else {
      // The guard may have won the race: free whatever the pipeline still builds.
      loading.then((late) => late.dispose(), () => {});
    }
    if (!(error instanceof WorkerError && ['not-found', 'offline', 'no-space'].includes(error.code))) retire(instance);
    throw error;
  }
}

function finish(slot, choice, { pipe, instance, warmMs }, started, watch) {
  Object.assign(slot, { pipe, instance, ...choice });
  slot.result = {
    model: slot.entry.id,
    device: choice.device,
    dtype: choice.dtype,
    reason: choice.reason,
    detail: choice.detail,
    files: watch.files.size,
    bytes: watch.total,
    load_ms: performance.now() - started - warmMs,
    warm_ms: warmMs,
  };
  return slot;
}

/** Where a slot's model runs now: the device, dtype, reason and detail of its choice. */
function placement(slot) {
  return { device: slot.device, dtype: slot.dtype, reason: slot.reason, detail: slot.detail };
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

/** Rebuild ``slot``'s pipeline at ``choice`` on the current instance (one rebuild at a time). */
function reload(slot, choice) {
  slot.reloading ??= (async () => {
    await slot.pipe.dispose().catch(() => {});
    const watch = new DownloadWatch(slot.entry.id, () => {});
    watch.add(filesFor(slot.entry, choice.dtype));
    try {
      const { pipe, instance } = await loadOn(slot.entry, choice, watch);
      Object.assign(slot, { pipe, instance, ...choice });
      Object.assign(slot.result, choice);
    } finally {
      watch.stop();
      slot.reloading = null;
    }
  })();
  return slot.reloading;
}

/**
 * Run ``work(transformers, pipe)`` on a loaded model. A failure retires the model's
 * Transformers.js instance (its run chain stays rejected, see runtime.js), so the next
 * call rebuilds the model on a fresh one. On WebGPU the call is retried once at once, on
 * WASM (reason "webgpu-run-failed", the error in detail): a WebGPU device can be lost at any time.
 */
async function runOn(slot, work, { retry = () => true } = {}) {
  const attempt = async () => {
    const { instance, pipe } = slot;
    try {
      return await work(instance.transformers, pipe);
    } catch (error) {
      retire(instance);
      throw error;
    }
  };
  const task = (async () => {
    if (slot.reloading) await slot.reloading;
    if (slot.instance.broken) await reload(slot, placement(slot));
    try {
      return await attempt();
    } catch (error) {
      const choice = wasmChoice(slot.entry, 'webgpu-run-failed', describe(error));
      if (slot.device !== 'webgpu' || !choice || !retry() || slots.get(slot.entry.id) !== slot) throw error;
      await reload(slot, choice);
      return attempt();
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

/** Request id → {modelId, stop} of the generations in flight. */
const generations = new Map();

/**
 * Generate a chat answer for request ``requestId``; see generateChat. The result adds
 * the device, dtype and reason it ran with: a WebGPU failure at run time moves the model
 * to WASM and starts the answer again, so text streamed before the failure is repeated
 * (the result's ``text`` is the whole answer).
 */
export async function generate(modelId, requestId, { messages, maxNewTokens, onText, reusePrefix = true }) {
  const slot = await loadedSlot(modelId, 'generator');
  // Passed in a plain array, which Transformers.js accepts from any instance of itself.
  const stop = new slot.instance.transformers.InterruptableStoppingCriteria();
  generations.set(requestId, { modelId, stop });
  try {
    const result = await runOn(
      slot,
      (transformers, pipe) => generateChat(transformers, pipe, { messages, maxNewTokens, stop, onText, reusePrefix }),
      { retry: () => !stop.interrupted },
    );
    return { ...result, ...placement(slot) };
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
