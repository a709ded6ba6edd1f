// Transformers.js, configured once for our self-hosted files, and the model manifest.

import paths from './paths.json' with { type: 'json' };
import { WorkerError, describe } from './errors.js';
import { watchFetches } from './download.js';

/**
 * ORT Web threads: wasm threads need SharedArrayBuffer, which only a cross-origin
 * isolated worker has. ORT's own default was 1 even when isolated on a 2-core machine,
 * so it is set explicitly; capped at 4 so a many-core machine keeps cores for the page.
 */
export function threadCount() {
  return self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
}

/**
 * One instance of the Transformers.js module: {transformers, broken, current}.
 *
 * Why instances: Transformers.js 4.3.2 queues every session creation, and every session
 * run, on one module-level promise chain that never recovers from a rejection
 * (webInitChain / webInferenceChain in src/backends/onnx.js; see the comments on
 * huggingface/transformers.js#1635). After one failed WebGPU load every later load,
 * WASM included, would fail with the same error, and the ladder would dead-end. So a
 * failure retires the instance and the next load imports a fresh one under a new URL
 * fragment: a distinct module record (with its own ORT Web), while the fragment is not
 * part of the request, so the cached file answers. Models loaded on a retired instance
 * keep it until they fail too (tests/worker/test_device.py covers both paths).
 */
let current = null; // Promise of the instance new loads use
let instances = 0;

/** The Transformers.js instance new loads use, imported and configured on first use. */
export function runtime() {
  if (!current) {
    const url = instances === 0 ? paths.transformers : `${paths.transformers}#instance-${instances}`;
    instances += 1;
    current = importRuntime(url).catch((error) => {
      current = null; // a later request tries again (the file may have been a network blip)
      throw new WorkerError('load-failed', `Transformers.js could not be loaded from ${url}: ${describe(error)}`);
    });
  }
  return current;
}

/** Stop giving out ``instance``: one of its promise chains has rejected (see above). */
export function retire(instance) {
  instance.broken = true;
  if (instance.current) {
    instance.current = false;
    current = null;
  }
}

async function importRuntime(url) {
  const transformers = await import(url);
  const { env } = transformers;
  env.allowRemoteModels = false; // never the Hugging Face Hub: no learner data leaves, no CDN
  env.allowLocalModels = true; // defaults to false in browsers
  env.localModelPath = paths.models;
  // Model files are kept by our own model store (model-store.js, reached through
  // env.fetch in download.js), in chunks: Transformers.js's own Cache Storage copy would
  // store every file twice, and entries of 300 MB and more fail off the record
  // (docs/architecture.md).
  env.useBrowserCache = false;
  env.useWasmCache = false;
  env.backends.onnx.wasm.wasmPaths = paths.onnx_wasm;
  env.backends.onnx.wasm.numThreads = threadCount();
  watchFetches(env);
  return { transformers, broken: false, current: true };
}

let manifest = null;

/** The model manifest (models/manifest.json), fetched once. */
function loadManifest() {
  manifest ??= (async () => {
    const response = await fetch(paths.manifest);
    if (!response.ok) {
      throw new WorkerError('not-found', `the model manifest ${response.url} answered HTTP ${response.status}`);
    }
    return response.json();
  })().catch((error) => {
    manifest = null;
    throw error instanceof WorkerError
      ? error
      : new WorkerError('failed', `the model manifest ${paths.manifest} could not be read: ${describe(error)}`);
  });
  return manifest;
}

/** Every entry of the model manifest, in its order. */
export async function modelEntries() {
  return (await loadManifest()).models;
}

/** The manifest entry of ``modelId``; not-found naming the known ids otherwise. */
export async function modelEntry(modelId) {
  const { models } = await loadManifest();
  const entry = models.find((model) => model.id === modelId);
  if (!entry) {
    const known = models.map((model) => model.id).join(', ');
    throw new WorkerError('not-found', `model "${modelId}" is not in ${paths.manifest}; it has: ${known}`);
  }
  return entry;
}

/**
 * The files a load of ``entry`` at ``dtype`` fetches, with absolute URLs and manifest
 * sizes: every config and tokenizer file plus the one ONNX file of that dtype.
 */
export function filesFor(entry, dtype) {
  const onnx = entry.dtype_files[dtype];
  const base = new URL(`${paths.models}${entry.id}/`, self.location.href);
  return entry.files
    // An ONNX file over 2 GB keeps its weights beside it (model.onnx_data, ..._data_1).
    .filter((file) => !file.path.startsWith('onnx/') || file.path === onnx || file.path.startsWith(`${onnx}_data`))
    .map((file) => ({ url: new URL(file.path, base).href, path: file.path, size: file.size }));
}
