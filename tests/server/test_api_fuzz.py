"""schemathesis over the OpenAPI schema: generated requests that fit the schema and
requests that break it, as an anonymous visitor and as a logged-in learner, on both
databases. No response may be a server error, and every error names its problem.

(schemathesis' pytest loader ``from_fixture`` breaks on pytest 9 -- it reads the removed
``Node._nodeid`` -- so each operation's Hypothesis strategy is driven directly here.)
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from server.app import SESSION_COOKIE, create_app
from server.settings import Settings
from tests.server.support.app import dev_login

EXAMPLES = int(os.environ.get("TROPA_FUZZ_EXAMPLES", "25"))


@pytest.fixture
def fuzz_app(settings: Settings) -> FastAPI:
    # Limits high enough that generated traffic reaches the handlers, not only the 429.
    return create_app(settings.model_copy(update={"login_rate_limit": 10**6, "sync_rate_limit": 10**6}))


def run_operation(operation: Any, mode: GenerationMode, call: Any) -> bool:
    """Fuzz one operation; False when it has no input that can break its schema."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        response = call(case)
        case.validate_response(response, checks=(not_a_server_error,))
        if response.status_code >= 400 and response.headers.get("content-type") == "application/json":
            assert isinstance(response.json().get("detail"), str), response.text

    try:
        check()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        return False  # e.g. GET /healthz: no parameters, no body
    return True


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("who", ["anonymous", "learner"])
def test_no_server_errors(fuzz_app: FastAPI, who: str, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_app)
    browser = TestClient(fuzz_app)
    extra: dict[str, Any] = {}

    def call(case: Any) -> Any:
        if who == "learner":
            if not extra or browser.get("/api/session").json()["authenticated"] is False:
                info = dev_login(browser, "fuzzer")  # again after DELETE /api/me
                extra["cookies"] = {SESSION_COOKIE: browser.cookies[SESSION_COOKIE]}
                extra["headers"] = {"x-csrf-token": info["csrf_token"]}
            return case.call(cookies=extra["cookies"], headers=dict(extra["headers"]))
        return case.call()

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    fuzzed = [op.label for op in operations if run_operation(op, mode, call)]
    assert len(fuzzed) >= 7, fuzzed
