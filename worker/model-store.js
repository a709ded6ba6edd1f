// The model store: every model file kept on the device in IndexedDB, in the chunks of
// models/chunks.json (builder/chunks.py), one Blob per chunk.
//
// Why chunks of Blobs: one IndexedDB ArrayBuffer value over 127 MiB fails, and a Cache
// Storage entry of 300 MB fails off the record (docs/architecture.md), while the
// generator is 497 MB. A multi-chunk file is fetched chunk by chunk with HTTP Range
// requests (the server answers a Range with the original bytes, never a precompressed
// copy); a one-chunk file is fetched whole, so it may travel compressed. Every chunk is
// checked against its SHA-256 when it is written and again when it is read; a bad or
// missing chunk is fetched again, and an interrupted download resumes from the chunks
// already stored. A write that the quota refuses removes what it wrote of that file.

import paths from './paths.json' with { type: 'json' };
import { WorkerError, describe } from './errors.js';

const DB_NAME = 'tropa-models';
const STORE = 'chunks'; // key [model, path, index] → {blob, sha256, size}
const MB = 1024 * 1024;

let chunkManifest = null;

/** models/chunks.json, fetched once: {chunk_bytes, models: {id: {path: {size, chunks}}}}. */
export function chunksManifest() {
  chunkManifest ??= (async () => {
    const url = `${paths.models}chunks.json`;
    let response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new WorkerError('offline', `the model chunk list ${url} could not be fetched: ${describe(error)}`);
    }
    if (!response.ok) throw new WorkerError('not-found', `the model chunk list ${url} answered HTTP ${response.status}`);
    return response.json();
  })().catch((error) => {
    chunkManifest = null;
    throw error;
  });
  return chunkManifest;
}

let database = null;

function openDatabase() {
  database ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new WorkerError('failed', `the model store could not be opened: ${describe(request.error)}`));
  }).catch((error) => {
    database = null;
    throw error;
  });
  return database;
}

/** Run ``work(store)`` in one transaction; resolves with its request's result once committed. */
async function inTransaction(mode, work) {
  const db = await openDatabase();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    let result;
    const request = work(tx.objectStore(STORE));
    if (request) request.onsuccess = () => (result = request.result);
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    tx.onerror = (event) => event.preventDefault(); // reported once, by onabort
  });
}

const modelRange = (model) => IDBKeyRange.bound([model], [model, []]);
const fileRange = (model, path) => IDBKeyRange.bound([model, path], [model, path, []]);

/** The stored chunk indexes of ``model``: Map path → Set of indexes. */
async function storedChunks(model) {
  const keys = await inTransaction('readonly', (store) => store.getAllKeys(modelRange(model)));
  const found = new Map();
  for (const [, path, index] of keys) {
    if (!found.has(path)) found.set(path, new Set());
    found.get(path).add(index);
  }
  return found;
}

const isQuotaError = (error) => error?.name === 'QuotaExceededError';

async function sha256(buffer) {
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The byte range [start, end) of chunk ``index`` of a file of ``size`` bytes. */
function chunkRange(size, chunkBytes, index) {
  const start = index * chunkBytes;
  return [start, Math.min(size, start + chunkBytes)];
}

/** ``{size, chunks}`` of ``path`` of ``model``, or null when chunks.json does not list it. */
async function fileSpec(model, path) {
  const manifest = await chunksManifest();
  return manifest.models[model]?.[path] ?? null;
}

/** Bytes of the files in ``files`` ([{path, size}]) stored for ``model``, and their total. */
export async function storedBytes(model, files) {
  const manifest = await chunksManifest();
  const stored = await storedChunks(model);
  let bytes = 0;
  let missing = 0;
  for (const { path } of files) {
    const spec = manifest.models[model]?.[path];
    if (!spec) continue;
    const have = stored.get(path) ?? new Set();
    spec.chunks.forEach((_, index) => {
      const [start, end] = chunkRange(spec.size, manifest.chunk_bytes, index);
      if (have.has(index)) bytes += end - start;
      else missing += 1;
    });
  }
  return { bytes, missingChunks: missing };
}

/** Bytes every model has stored, all files counted: Map model → bytes. */
export async function storedByModel() {
  const manifest = await chunksManifest();
  const result = new Map();
  for (const [model, files] of Object.entries(manifest.models)) {
    const list = Object.entries(files).map(([path, spec]) => ({ path, size: spec.size }));
    const { bytes } = await storedBytes(model, list);
    if (bytes > 0) result.set(model, bytes);
  }
  return result;
}

/** Usage and quota of this origin, and whether its storage is persistent. */
export async function storageInfo() {
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
  return { usage, quota, persisted };
}

const megabytes = (bytes) => `${Math.ceil(bytes / MB)} MB`;

/** A no-space WorkerError for ``model`` needing ``needed`` more bytes, naming what to free. */
async function noSpace(model, needed, free, cause) {
  const others = [...(await storedByModel())].filter(([id]) => id !== model);
  const toFree = others.length > 0
    ? `delete a model you do not need in the model manager (stored now: ${others.map(([id, bytes]) => `${id} ${megabytes(bytes)}`).join(', ')}) or clear other sites' data`
    : "clear other sites' data or free disk space on this device";
  const freeText = free === null ? '' : ` and the browser allows ${megabytes(Math.max(0, free))} more`;
  return new WorkerError(
    'no-space',
    `not enough space for ${model}: it needs ${megabytes(needed)} more${freeText}; to make room, ${toFree}`,
    cause ? { cause } : undefined,
  );
}

/** Throw no-space unless the quota leaves room for ``needed`` more bytes. */
export async function checkRoom(model, needed) {
  if (needed <= 0) return;
  const { usage, quota } = await storageInfo();
  if (quota - usage < needed) throw await noSpace(model, needed, quota - usage);
}

async function deleteFile(model, path) {
  await inTransaction('readwrite', (store) => store.delete(fileRange(model, path)));
}

/** Delete every stored chunk of ``model``; returns the bytes freed. */
export async function deleteModel(model) {
  const manifest = await chunksManifest();
  const files = Object.entries(manifest.models[model] ?? {}).map(([path, spec]) => ({ path, size: spec.size }));
  const { bytes } = await storedBytes(model, files);
  await inTransaction('readwrite', (store) => store.delete(modelRange(model)));
  return bytes;
}

/**
 * Fetch one chunk (the whole file when it has one chunk) and return its bytes, checked.
 * A network failure is an "offline" WorkerError; an HTTP failure returns the Response.
 */
async function fetchChunk(model, path, url, spec, chunkBytes, index, baseFetch) {
  const [start, end] = chunkRange(spec.size, chunkBytes, index);
  const whole = spec.chunks.length === 1;
  let response;
  let buffer;
  try {
    response = await baseFetch(url, whole ? {} : { headers: { Range: `bytes=${start}-${end - 1}` } });
    if (!response.ok) return { response };
    if (!whole && response.status !== 206) {
      throw new WorkerError('load-failed', `${model}: ${url} ignored the byte range of chunk ${index} (HTTP ${response.status})`);
    }
    buffer = await response.arrayBuffer();
  } catch (error) {
    if (error instanceof WorkerError) throw error;
    const where = navigator.onLine === false ? 'this device is offline' : `the network failed: ${describe(error)}`;
    throw new WorkerError(
      'offline',
      `${model} could not be downloaded (${path}, chunk ${index + 1} of ${spec.chunks.length}): ${where}. ` +
        'The chunks already stored are kept; the download resumes from there when you are online.',
      { cause: error },
    );
  }
  if (buffer.byteLength !== end - start || (await sha256(buffer)) !== spec.chunks[index]) {
    throw new WorkerError(
      'load-failed',
      `${model}: chunk ${index + 1} of ${path} from ${url} does not match its SHA-256 in chunks.json (${buffer.byteLength} bytes)`,
    );
  }
  return { buffer };
}

/**
 * Make every chunk of ``path`` of ``model`` present: fetch the missing ones (checked on
 * write) and report stored bytes through ``onBytes(bytesOfThisFile)``. Returns
 * {response} for an HTTP failure, else {fetched} (bytes fetched now).
 */
async function completeFile(model, path, url, baseFetch, onBytes, { checkQuota = true } = {}) {
  const manifest = await chunksManifest();
  const spec = manifest.models[model][path];
  const have = (await storedChunks(model)).get(path) ?? new Set();
  let done = 0;
  let missingBytes = 0;
  spec.chunks.forEach((_, index) => {
    const [start, end] = chunkRange(spec.size, manifest.chunk_bytes, index);
    if (have.has(index)) done += end - start;
    else missingBytes += end - start;
  });
  onBytes(done);
  if (missingBytes === 0) return { fetched: 0 };
  if (checkQuota) await checkRoom(model, missingBytes);
  let fetched = 0;
  for (let index = 0; index < spec.chunks.length; index += 1) {
    if (have.has(index)) continue;
    const { response, buffer } = await fetchChunk(model, path, url, spec, manifest.chunk_bytes, index, baseFetch);
    if (response) return { response };
    try {
      const blob = new Blob([buffer]);
      await inTransaction('readwrite', (store) =>
        store.put({ blob, sha256: spec.chunks[index], size: buffer.byteLength }, [model, path, index]));
    } catch (error) {
      if (!isQuotaError(error)) throw new WorkerError('failed', `${model}: ${path} could not be stored: ${describe(error)}`);
      // Nothing half-written: a file the quota cut off is removed whole.
      await deleteFile(model, path).catch(() => {});
      const { usage, quota } = await storageInfo().catch(() => ({ usage: 0, quota: null }));
      throw await noSpace(model, missingBytes - fetched, quota === null ? null : quota - usage, error);
    }
    fetched += buffer.byteLength;
    done += buffer.byteLength;
    onBytes(done);
  }
  return { fetched };
}

/**
 * The stored chunks of ``path`` as Blobs, each checked against its SHA-256. Bad chunks
 * are deleted and listed in ``bad`` (indexes); missing ones in ``missing``.
 */
async function readChunks(model, path, spec, onRead = () => {}) {
  const records = await inTransaction('readonly', (store) => store.getAll(fileRange(model, path)));
  const byIndex = new Map();
  const keys = await inTransaction('readonly', (store) => store.getAllKeys(fileRange(model, path)));
  keys.forEach(([, , index], position) => byIndex.set(index, records[position]));
  const blobs = [];
  const bad = [];
  const missing = [];
  for (let index = 0; index < spec.chunks.length; index += 1) {
    const record = byIndex.get(index);
    if (!record) {
      missing.push(index);
      continue;
    }
    let good = false;
    try {
      good = record.sha256 === spec.chunks[index] && (await sha256(await record.blob.arrayBuffer())) === spec.chunks[index];
    } catch {
      good = false; // an unreadable Blob (its backing file gone) is as bad as a wrong one
    }
    if (good) {
      blobs.push(record.blob);
      onRead(record.size);
    } else {
      bad.push(index);
      await inTransaction('readwrite', (store) => store.delete([model, path, index]));
    }
  }
  return { blobs, bad, missing };
}

/**
 * A Response with the whole of ``path`` of ``model`` from the store, fetching (online)
 * what is missing or damaged; ``onBytes(n)`` reports bytes of this file stored so far.
 */
export async function storedResponse(model, path, url, baseFetch, onBytes = () => {}) {
  const spec = await fileSpec(model, path);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let done;
    try {
      done = await completeFile(model, path, url, baseFetch, onBytes);
    } catch (error) {
      if (error instanceof WorkerError && error.code === 'offline' && attempt > 0) {
        throw new WorkerError(
          'offline',
          `the stored copy of ${model} is damaged (${path}) and cannot be fetched again while offline: ` +
            'connect to the network and ask again',
          { cause: error },
        );
      }
      throw error;
    }
    if (done.response) return done.response;
    const { blobs, bad, missing } = await readChunks(model, path, spec);
    if (bad.length === 0 && missing.length === 0) {
      return new Response(new Blob(blobs), {
        status: 200,
        headers: { 'content-length': String(spec.size), 'x-tropa-store': 'hit' },
      });
    }
    console.warn(`model-store: ${model}/${path}: chunks ${[...bad, ...missing].join(', ')} bad or missing; fetching again`);
  }
  throw new WorkerError('load-failed', `${model}: ${path} stays damaged after fetching it again`);
}

/**
 * Download every file of ``files`` ([{url, path, size}]) of ``model`` into the store,
 * after checking the quota for all that is missing. ``onProgress(stored, total, path)``.
 * Returns {bytes, fetched}.
 */
export async function downloadModel(model, files, baseFetch, onProgress) {
  const { bytes, missingChunks } = await storedBytes(model, files);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (missingChunks > 0) await checkRoom(model, total - bytes);
  let before = 0;
  let fetched = 0;
  for (const file of files) {
    const result = await completeFile(model, file.path, file.url, baseFetch,
      (done) => onProgress(before + done, total, file.path), { checkQuota: false });
    if (result.response) {
      throw new WorkerError(result.response.status === 404 ? 'not-found' : 'load-failed',
        `${model}: ${file.path} could not be fetched: ${file.url} answered HTTP ${result.response.status}`);
    }
    fetched += result.fetched;
    before += file.size;
  }
  onProgress(total, total, '');
  return { bytes: total, fetched };
}

/**
 * Read back every stored chunk of ``files`` and check its hash; bad chunks are deleted
 * (a later load or download fetches them again). Returns {chunks, bad, missing, bytes}.
 */
export async function verifyModel(model, files, onProgress) {
  const manifest = await chunksManifest();
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let read = 0;
  const result = { chunks: 0, bad: 0, missing: 0, bytes: 0 };
  for (const { path } of files) {
    const spec = manifest.models[model]?.[path];
    if (!spec) continue;
    const { blobs, bad, missing } = await readChunks(model, path, spec, (size) => {
      read += size;
      onProgress(read, total, path);
    });
    result.chunks += spec.chunks.length;
    result.bad += bad.length;
    result.missing += missing.length;
    result.bytes += blobs.reduce((sum, blob) => sum + blob.size, 0);
  }
  return result;
}

/** ``(model, path)`` of a model file URL listed in chunks.json, or null. */
export async function modelFileOf(url) {
  const base = new URL(paths.models, self.location.href).href;
  if (!url.startsWith(base)) return null;
  const rest = decodeURIComponent(url.slice(base.length).split(/[?#]/)[0]);
  const slash = rest.indexOf('/');
  if (slash < 0) return null;
  const model = rest.slice(0, slash);
  const path = rest.slice(slash + 1);
  try {
    return (await fileSpec(model, path)) ? { model, path } : null;
  } catch (error) {
    // A build without chunks.json (or a failed fetch of it): the network, as before.
    console.warn(`model-store: no chunk list, ${url} goes to the network: ${describe(error)}`);
    return null;
  }
}
