"""The OpenAPI schema fuzzed with schemathesis (Hypothesis): whatever it sends, with a
valid token, no 5xx, and every error is RFC 9457 problem+json with a one-line detail."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    status_code_conformance,
)

from .conftest import BACKENDS, make_api, need_pg

EXAMPLES_PER_OPERATION = 30


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_target(request, engine, tmp_path_factory):
    if request.param == "postgresql":
        need_pg()
    for api in make_api(request.param, tmp_path_factory.mktemp("fuzz"), engine):
        org = api.org("Fuzz")
        site = org.site()
        api.wait(org, org.job(site).json()["id"])
        yield api, org


@pytest.fixture(scope="module")
def api_schema(fuzz_target):
    api, _ = fuzz_target
    loaded = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    loaded.config.generation.update(modes=list(GenerationMode))  # valid and invalid data
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error_and_every_error_is_a_problem(case, fuzz_target):
    _, org = fuzz_target
    response = case.call(headers=org.h)
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance],
        headers=org.h,
    )
    if response.status_code >= 400:
        kind = response.headers.get("content-type") or [""]
        kind = kind[0] if isinstance(kind, list) else kind
        assert kind.startswith("application/problem+json"), (response.status_code, kind)
        body = response.json()
        assert body["status"] == response.status_code and body["title"]
        assert body["detail"] and "\n" not in body["detail"]
