// The device ladder: WebGPU when a real adapter exists, WASM otherwise, and the dtype
// each device runs best. It never dead-ends: every answer has a WASM rung below it.

/**
 * What the browser offers, detected once and frozen (a second requestAdapter could
 * answer differently, and the ladder must not change its mind within a session).
 * Fields:
 *  - api: navigator.gpu exists (proves nothing by itself: there may be no adapter)
 *  - adapter: plain facts about the adapter ({vendor, architecture, device,
 *    description, fallback, features}) or null
 *  - fallback: the adapter is a software one (SwiftShader headless): slower than WASM
 *  - f16: the adapter has 'shader-f16', so *f16 models can run
 *  - error: why requestAdapter threw, if it did
 * @type {Promise<Readonly<{api: boolean, adapter: object|null, fallback: boolean, f16: boolean, error: string|null}>>|null}
 */
let detected = null;

async function detectWebGpu() {
  if (typeof navigator === 'undefined' || !navigator.gpu) {
    return Object.freeze({ api: false, adapter: null, fallback: false, f16: false, error: null });
  }
  let adapter = null;
  let error = null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (exc) {
    error = String(exc?.message ?? exc);
  }
  if (!adapter) return Object.freeze({ api: true, adapter: null, fallback: false, f16: false, error });
  const info = adapter.info ?? {};
  // adapter.info.isFallbackAdapter is current; adapter.isFallbackAdapter is the older,
  // deprecated spelling that some Chromium builds still have instead.
  const fallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const f16 = adapter.features.has('shader-f16');
  const facts = Object.freeze({
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    fallback,
    features: [...adapter.features].sort(),
  });
  return Object.freeze({ api: true, adapter: facts, fallback, f16, error });
}

/**
 * Where models should run: ``{device, reason, detail, adapter, f16}`` (the probe reply).
 * reason (protocol.json enums.reason): "no-webgpu-api" | "no-adapter" | "fallback-adapter"
 * (→ wasm), or "adapter" | "forced" (→ webgpu; forced means a fallback adapter used on
 * request); detail: why requestAdapter threw, if it did.
 */
export async function probeDevice(forceWebGpu) {
  detected ??= detectWebGpu();
  const found = await detected;
  const answer = (device, reason) => ({
    device, reason, detail: found.error ?? '', adapter: found.adapter, f16: found.f16,
  });
  if (!found.api) return answer('wasm', 'no-webgpu-api');
  if (!found.adapter) return answer('wasm', 'no-adapter');
  // A software adapter is 50-200x slower than WASM here: only when asked for.
  if (found.fallback && !forceWebGpu) return answer('wasm', 'fallback-adapter');
  return answer('webgpu', found.fallback ? 'forced' : 'adapter');
}

/**
 * The device and dtype to try first for a manifest entry, given the probe:
 * ``{device, dtype, reason, detail}``. WebGPU takes q4f16 where shader-f16 exists, else the
 * first of the model's WebGPU dtypes without f16 (q4, fp32); WASM takes the model's
 * first WASM dtype (q8: 4-bit is 7-13x slower than int8 on WASM).
 */
export function firstChoice(entry, probe) {
  const webgpu = entry.dtypes?.webgpu ?? [];
  if (probe.device === 'webgpu') {
    if (webgpu.length === 0) return wasmChoice(entry, 'no-webgpu-build');
    const dtype = probe.f16
      ? (webgpu.includes('q4f16') ? 'q4f16' : webgpu[0])
      : webgpu.find((name) => !name.endsWith('f16'));
    if (dtype) return { device: 'webgpu', dtype, reason: probe.reason, detail: probe.detail };
    return wasmChoice(entry, 'no-shader-f16');
  }
  return wasmChoice(entry, probe.reason, probe.detail);
}

/**
 * The WASM rung: the model's first WASM dtype, or null when it has no WASM build.
 * ``reason`` is a code of protocol.json's enums.reason; ``detail`` says more (an error).
 */
export function wasmChoice(entry, reason, detail = '') {
  const dtype = (entry.dtypes?.wasm ?? [])[0];
  return dtype ? { device: 'wasm', dtype, reason, detail } : null;
}
