"""One console line per build step with its elapsed time; library output goes to a log file.

[qwen2.5-coder-0.5b-instruct] export onnx… 212.3 s
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from builder.errors import BuildError


class ModelBuildError(BuildError):
    """A step of one model's build failed; the message names the model and the step."""

    def __init__(self, model_id: str, step: str, reason: str, log: Path | None = None) -> None:
        where = f" (log: {log})" if log else ""
        super().__init__(f"[{model_id}] {step} failed: {reason}{where}")
        self.model_id, self.step, self.reason, self.log = model_id, step, reason, log


class Progress:
    """Prints steps of one model; `step()` sends stdout/stderr of the step to `log`."""

    def __init__(self, model_id: str, log: Path, *, quiet_libraries: bool = True) -> None:
        self.model_id, self.log, self.quiet = model_id, log, quiet_libraries
        self.times: dict[str, float] = {}

    def say(self, text: str) -> None:
        print(f"[{self.model_id}] {text}", flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        print(f"[{self.model_id}] {name}…", end="", flush=True)
        start = time.perf_counter()
        try:
            with self._redirected():
                yield
        except BuildError:
            print(f" failed after {time.perf_counter() - start:.1f} s", flush=True)
            raise
        except Exception as exc:
            print(f" failed after {time.perf_counter() - start:.1f} s", flush=True)
            raise ModelBuildError(self.model_id, name, f"{type(exc).__name__}: {exc}", self.log) from exc
        elapsed = time.perf_counter() - start
        self.times[name] = round(elapsed, 1)
        print(f" {elapsed:.1f} s", flush=True)

    @contextmanager
    def _redirected(self) -> Iterator[None]:
        if not self.quiet:
            yield
            return
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        with self.log.open("a", encoding="utf-8") as handle:
            os.dup2(handle.fileno(), 1)
            os.dup2(handle.fileno(), 2)
            try:
                yield
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                os.close(saved[0])
                os.close(saved[1])
