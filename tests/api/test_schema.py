"""The running API against its own OpenAPI document, with Schemathesis: every operation, with
generated valid and invalid input, answers no 5xx, only documented status codes, and bodies
that match their schemas. Examples are bounded so the run stays under a minute."""

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from tests.api.conftest import visit_body

EXAMPLES = 12
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_openapi_3_1_and_lists_every_operation(openapi_document):
    assert openapi_document["openapi"] == "3.1.0"
    operations = {
        (method.upper(), path)
        for path, item in openapi_document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert operations == {
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/cooperatives"),
        ("GET", "/api/v1/recap"),
        ("GET", "/api/v1/visits"),
        ("POST", "/api/v1/visits"),
        ("POST", "/api/v1/visits/{visit_id}/photos"),
        ("POST", "/api/v1/cooperatives/{cooperative_id}/rat-held"),
        ("POST", "/api/v1/cooperatives/{cooperative_id}/moves"),
        ("GET", "/api/v1/moves/{move_id}"),
        ("POST", "/api/v1/cooperatives/{cooperative_id}/certificate-reading"),
    }
    photo = openapi_document["paths"]["/api/v1/visits/{visit_id}/photos"]["post"]
    assert "multipart/form-data" in photo["requestBody"]["content"]
    assert set(openapi_document["components"]["securitySchemes"]) == {"bearer", "session"}


SENT_VISIT = str(uuid.UUID(int=1))


@pytest.fixture
def api_schema(app, field, officer_token, client):
    # Something to find: one visit sent before, so photo uploads can reach their rules.
    sent = visit_body(field["coop"], id=SENT_VISIT)
    assert client.post("/api/v1/visits", json=sent, headers=officer_token).status_code == 201
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def known_path(operation, field) -> dict:
    """Valid runs aim at the officer's own visit and cooperative, to reach past the 404."""
    if "{visit_id}" in operation.path:
        return {"visit_id": SENT_VISIT}
    if "{cooperative_id}" in operation.path:
        return {"cooperative_id": field["coop"].id}
    return {}


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_api_conforms_to_its_document(api_schema, officer_token, field, mode):
    # Not schemathesis.pytest.from_fixture (it does not run under pytest 9): one Hypothesis
    # run per operation, over the same WSGI app and database.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 10
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        known = known_path(operation, field) if mode == GenerationMode.POSITIVE else {}

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=known or None))
        def conforms(case):
            response = case.call_and_validate(headers=officer_token, checks=CHECKS)
            statuses.setdefault(case.operation.label, set()).add(response.status_code)

        conforms()
    # Every operation was really called, and the valid runs got past validation somewhere.
    assert len(statuses) == 10
    if mode == GenerationMode.POSITIVE:
        assert {200} <= statuses["GET /api/v1/me"]
        assert statuses["GET /api/v1/recap"] & {200}
