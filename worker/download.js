// Byte progress and missing files of model loads, seen where Transformers.js fetches.
//
// Why not Transformers.js's progress_callback: given one, pipeline() first asks the size
// of every expected file through get_file_metadata, which for local models is a full GET
// whose body is never read (src/utils/model_registry/get_file_metadata.js in 4.3.2): a
// second download of each file, holding a connection until garbage collection. Counting
// the bytes Transformers.js really reads costs nothing, and a 404 is seen with its URL
// the moment it happens instead of surfacing later as a generic error.

import { WorkerError } from './errors.js';
import { modelFileOf, storedResponse } from './model-store.js';

// Progress replies for one file come at most this often, except its last one.
const PROGRESS_INTERVAL_MS = 100;

/** Absolute URL → the DownloadWatch that wants its bytes. */
const watched = new Map();

/**
 * Route Transformers.js's fetches (``env.fetch``) through the model store (a model file
 * listed in chunks.json is answered from IndexedDB, fetched into it first when missing;
 * worker/model-store.js) and through the watch list.
 */
export function watchFetches(env) {
  const baseFetch = env.fetch;
  env.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), self.location.href).href;
    const watch = watched.get(url);
    const file = await modelFileOf(url);
    let response;
    if (file) {
      try {
        response = await storedResponse(file.model, file.path, url, baseFetch,
          (count) => watch?.received(url, count, false));
      } catch (error) {
        watch?.reject(error);
        throw error;
      }
    } else {
      response = await baseFetch(input, init);
    }
    if (!watch) return response;
    if (!response.ok) {
      watch.failed(url, response.status);
      return response;
    }
    if (!response.body) return response;
    const body = countBytes(response.body, (count, done) => watch.received(url, count, done));
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/**
 * ``body`` re-streamed, calling ``onCount(bytesSoFar, done)`` as the reader takes chunks.
 * It pulls only when read (highWaterMark 0), so a response whose body nobody reads
 * (a metadata check) counts nothing.
 */
function countBytes(body, onCount) {
  const reader = body.getReader();
  let count = 0;
  return new ReadableStream(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          onCount(count, true);
          controller.close();
          return;
        }
        count += value.byteLength;
        onCount(count, false);
        controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The files of one model load, their total size (from the manifest, so it is known
 * before the first byte) and a running ``loaded`` across all of them.
 *
 *   const watch = new DownloadWatch('tiny-qwen2', (loaded, total, file) => ...);
 *   watch.add(files);                       // [{url, path, size}]
 *   const pipe = await watch.guard(pipeline(...));   // rejects at once on a 404
 *   watch.stop();
 */
export class DownloadWatch {
  constructor(modelId, onProgress) {
    this.modelId = modelId;
    this.onProgress = onProgress;
    this.files = new Map(); // url → {path, size, bytes, sentAt}
    this.total = 0;
    this.loaded = 0;
    let reject;
    this.failure = new Promise((_, fail) => (reject = fail));
    this.failure.catch(() => {}); // observed through guard(); never an unhandled rejection
    this.reject = reject;
  }

  /** Watch more files (the WASM file after a WebGPU failure); a file already seen counts once. */
  add(files) {
    for (const { url, path, size } of files) {
      if (this.files.has(url)) continue;
      this.files.set(url, { path, size, bytes: 0, sentAt: 0 });
      this.total += size;
      watched.set(url, this);
    }
  }

  /** ``promise``, or a not-found WorkerError as soon as a watched file answers 404. */
  guard(promise) {
    return Promise.race([promise, this.failure]);
  }

  failed(url, status) {
    const file = this.files.get(url);
    const code = status === 404 ? 'not-found' : 'load-failed';
    this.reject(new WorkerError(code, `${this.modelId}: ${file.path} could not be fetched: ${url} answered HTTP ${status}`));
  }

  received(url, count, done) {
    const file = this.files.get(url);
    // A file fetched twice (WebGPU attempt, then WASM) counts once, at its largest.
    const bytes = Math.min(Math.max(file.bytes, count), file.size);
    this.loaded += bytes - file.bytes;
    file.bytes = bytes;
    const now = performance.now();
    if (done || now - file.sentAt >= PROGRESS_INTERVAL_MS) {
      file.sentAt = now;
      this.onProgress(this.loaded, this.total, file.path);
    }
  }

  stop() {
    for (const url of this.files.keys()) {
      if (watched.get(url) === this) watched.delete(url);
    }
  }
}
