// Imported first by worker_threads.js (static imports evaluate in order).
const threads = Number(new URL(self.location.href).searchParams.get('threads'));
if (Number.isInteger(threads) && threads > 0) {
  Object.defineProperty(WorkerNavigator.prototype, 'hardwareConcurrency', { get: () => threads, configurable: true });
}
