// The library's passage vectors, held in the worker so a search is one dot-product pass
// over a Float32Array instead of thousands of Python floats (no NumPy in Pyodide here).

import { WorkerError, badRequest } from './errors.js';
import { checkInteger } from './request.js';

// The vectors file is float32 little-endian; a Float32Array reads the platform's order.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** @type {{url: string, count: number, dim: number, vectors: Float32Array}|null} */
let index = null;

async function sha256Hex(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Fetch ``url`` (count × dim float32 LE), check its length and sha256, and make it the
 * index searched from now on. Returns {count, dim}.
 */
export async function loadIndex({ url, count, dim, sha256 }) {
  checkInteger('index', 'count', count, 0);
  checkInteger('index', 'dim', dim, 1);
  const response = await fetch(url);
  if (!response.ok) {
    const code = response.status === 404 ? 'not-found' : 'failed';
    throw new WorkerError(code, `library vectors ${response.url || url} answered HTTP ${response.status}`);
  }
  const buffer = await response.arrayBuffer();
  const expected = count * dim * 4;
  if (buffer.byteLength !== expected) {
    throw new WorkerError(
      'failed',
      `library vectors ${url}: expected ${expected} bytes (${count} × ${dim} float32), got ${buffer.byteLength}`,
    );
  }
  const actual = await sha256Hex(buffer);
  if (actual !== sha256.toLowerCase()) {
    throw new WorkerError('failed', `library vectors ${url}: sha256 is ${actual}, expected ${sha256}`);
  }
  let vectors = new Float32Array(buffer);
  if (!LITTLE_ENDIAN) {
    const view = new DataView(buffer);
    vectors = Float32Array.from({ length: count * dim }, (_, i) => view.getFloat32(i * 4, true));
  }
  index = { url, count, dim, vectors };
  return { count, dim };
}

/**
 * The ``k`` rows whose vectors have the largest dot product with ``vector`` (unit
 * vectors: cosine), as [[row, score], ...] best first, ties by lower row. ``rows``
 * restricts the search to those rows when it is not empty.
 */
export function search({ vector, k, rows }) {
  if (!index) throw new WorkerError('not-loaded', 'no library vectors are loaded: send index first');
  const { count, dim, vectors } = index;
  if (vector.length !== dim) {
    throw badRequest(`search vector has ${vector.length} numbers; the index has dim ${dim}`);
  }
  checkInteger('search', 'k', k, 0);
  for (const row of rows) checkInteger('search', 'rows[]', row, 0, count - 1);
  const query = Float32Array.from(vector);
  const best = new TopK(k);
  if (rows.length === 0) {
    for (let row = 0; row < count; row += 1) best.offer(row, dot(vectors, row * dim, query));
  } else {
    for (const row of new Set(rows)) best.offer(row, dot(vectors, row * dim, query));
  }
  return best.items;
}

function dot(vectors, offset, query) {
  let score = 0;
  for (let i = 0; i < query.length; i += 1) score += vectors[offset + i] * query[i];
  return score;
}

/** The k best [row, score] pairs seen, kept sorted: k is a handful, rows a few thousand. */
class TopK {
  constructor(k) {
    this.k = k;
    this.items = [];
  }

  offer(row, score) {
    const { items, k } = this;
    const before = (other) => score > other[1] || (score === other[1] && row < other[0]);
    if (items.length === k && (k === 0 || !before(items[k - 1]))) return;
    let at = items.length;
    while (at > 0 && before(items[at - 1])) at -= 1;
    items.splice(at, 0, [row, score]);
    if (items.length > k) items.pop();
  }
}
