// Entry of the ML worker for bench/browser_vs_native.py --threads N when N is not what the
// worker would pick: it reports navigator.hardwareConcurrency as ?threads=N (the worker
// derives ORT Web's numThreads from it), then runs the real worker unchanged. The bench
// copies this file beside ml-worker.js in its temporary dist; the app never loads it.
import './worker_threads_override.js';
import './ml-worker.js';
