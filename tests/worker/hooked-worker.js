// Test-only wrapper of the ML worker that can lose its WebGPU device on request, as a
// GPU driver reset or process crash does in the field. The worker itself is unchanged:
// this module imports it, then listens beside it.
import '/worker/ml-worker.js';
import paths from '/worker/paths.json' with { type: 'json' };

self.addEventListener('message', async (event) => {
  if (event.data?.test !== 'lose-webgpu-device') return;
  // The same module record as the worker's first Transformers.js instance.
  const { env } = await import(paths.transformers);
  const device = env.backends.onnx.webgpu?.device;
  device?.destroy();
  self.postMessage({ test: 'lost-webgpu-device', had_device: Boolean(device) });
});
