// The model manager's requests: what the model store keeps of each model, and storing,
// deleting and re-checking one model without loading it (worker/model-store.js).

import { firstChoice, probeDevice } from './device.js';
import { WorkerError } from './errors.js';
import { deleteModel, downloadModel, storageInfo, storedByModel, storedBytes, verifyModel } from './model-store.js';
import { filesFor, modelEntries, modelEntry } from './runtime.js';

/**
 * The device, dtype and files ([{url, path, size}]) a load of ``entry`` would use here:
 * the first rung of the device ladder (a load that falls back to WASM fetches more).
 */
async function choiceFor(entry, forceWebGpu) {
  const choice = firstChoice(entry, await probeDevice(forceWebGpu));
  if (!choice) throw new WorkerError('load-failed', `model "${entry.id}" has no WASM build in the manifest`);
  return { ...choice, files: filesFor(entry, choice.dtype) };
}

const sizeOf = (files) => files.reduce((sum, file) => sum + file.size, 0);

/** The ``models`` result: every manifest model as this device would run it, and the storage. */
export async function listModels(forceWebGpu) {
  const stored = await storedByModel();
  const models = [];
  for (const entry of await modelEntries()) {
    const { device, dtype, files } = await choiceFor(entry, forceWebGpu);
    const { missingChunks } = await storedBytes(entry.id, files);
    models.push({
      id: entry.id, role: entry.role, tier: entry.tier ?? 'real', device, dtype, size: sizeOf(files),
      stored: stored.get(entry.id) ?? 0, complete: missingChunks === 0,
    });
  }
  const { usage, quota, persisted } = await storageInfo();
  return { models, usage: Math.round(usage), quota: Math.round(quota), persisted };
}

/** Store the files a load of ``modelId`` needs; ``onProgress(stored, total, path)``. */
export async function download(modelId, forceWebGpu, onProgress) {
  const { files } = await choiceFor(await modelEntry(modelId), forceWebGpu);
  const { bytes, fetched } = await downloadModel(modelId, files, (url, init) => fetch(url, init), onProgress);
  return { model: modelId, bytes, fetched };
}

export async function remove(modelId) {
  await modelEntry(modelId); // an unknown id is not-found, not a silent 0
  return { model: modelId, freed: await deleteModel(modelId) };
}

export async function verify(modelId, forceWebGpu, onProgress) {
  const { files } = await choiceFor(await modelEntry(modelId), forceWebGpu);
  return { model: modelId, ...(await verifyModel(modelId, files, onProgress)) };
}
