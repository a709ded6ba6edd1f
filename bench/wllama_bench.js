// Page-side helper of bench/browser_vs_native.py for the peer: wllama (llama.cpp in WASM,
// npm @wllama/wllama) on the original Q4_K_M GGUF, in the same page of the same Chromium as
// our worker. The bench copies wllama's ESM build and wasm to /bench-wllama/ of its temporary
// dist, with the GGUF joined from its wheels. Times are taken in the page (performance.now).
(() => {
  let wllama = null;

  window.wbench = {
    /** Load the GGUF with ``threads`` CPU threads (no WebGPU layers: the same CPU as ours). */
    async load(threads, nCtx) {
      const { Wllama, LoggerWithoutDebug } = await import('/bench-wllama/index.js');
      const started = performance.now();
      wllama = new Wllama({ default: '/bench-wllama/wllama.wasm' }, { logger: LoggerWithoutDebug, suppressNativeLog: true });
      const blob = await (await fetch('/bench-wllama/model.gguf')).blob();
      const fetched = performance.now();
      await wllama.loadModel([blob], { n_threads: threads, n_ctx: nCtx, n_gpu_layers: 0, seed: 1 });
      return {
        ms: performance.now() - started,
        fetch_ms: fetched - started,
        threads: wllama.getNumThreads(),
        multithread: wllama.isMultithread(),
      };
    },

    /**
     * One greedy completion of exactly ``maxTokens`` tokens (end of text ignored) of ``prompt``,
     * our own chat template rendered as text (its special tokens are parsed by llama.cpp).
     */
    async complete(prompt, maxTokens) {
      const started = performance.now();
      let firstAt = null;
      let text = '';
      let timings = null;
      let chunks = 0;
      await wllama.createCompletion({
        prompt,
        max_tokens: maxTokens,
        temperature: 0,
        top_k: 1,
        ignore_eos: true,
        cache_prompt: false,
        stream: true,
        onData: (chunk) => {
          const piece = chunk.choices?.[0]?.text ?? '';
          if (piece) {
            firstAt ??= performance.now();
            text += piece;
          }
          chunks += 1;
          timings = chunk.timings ?? timings;
        },
      });
      return { ms: performance.now() - started, ttft_ms: firstAt === null ? null : firstAt - started, text, chunks, timings };
    },

    async unload() {
      await wllama?.exit();
      wllama = null;
    },
  };
})();
