"""schemathesis against /openapi.json: the document validates against the OpenAPI meta-schema, and every API
operation, fed generated valid and invalid requests as an admin linked to an employee, never answers with a
server error and answers in the shape its schema documents.

The database holds a small world (staff, cases with posts, a reply) so that generated ids sometimes exist
and requests reach the services, not only the 404 path."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from tests.replies.world import add_case, add_staff
from tests.web.conftest import WebUser

# Small, so the whole run stays under a minute on two cores; CI may raise it.
EXAMPLES = int(os.environ.get("GROUNDSWELL_SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def schema(app: FastAPI, store: Store) -> schemathesis.BaseSchema:
    with write_transaction(store.sessions) as session:
        add_staff(session)
        for n in range(3):
            add_case(session, handle=f"customer{n}@example.social")
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_the_openapi_document_validates(schema: schemathesis.BaseSchema) -> None:
    schema.validate()
    paths = schema.raw_schema["paths"]
    assert {"/api/v1/posts", "/api/v1/cases/{case_id}", "/api/v1/replies/{reply_id}/approve", "/api/v1/me"} <= set(
        paths
    )
    for path, operations in paths.items():
        for method, operation in operations.items():
            documented = operation.get("responses", {})
            if path != "/api/v1/health":
                assert "401" in documented and "422" in documented, (method, path)


def _fuzz(operation: APIOperation, headers: dict[str, str]) -> Counter[int]:
    """Send generated valid and invalid requests to one operation; the statuses it answered with."""
    seen: Counter[int] = Counter()
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(case=strategy)
    def exercise(case: Case) -> None:
        seen[case.call_and_validate(headers=headers, checks=CHECKS).status_code] += 1

    exercise()
    return seen


def test_no_operation_answers_with_a_server_error(
    schema: schemathesis.BaseSchema, make_user: Callable[..., WebUser]
) -> None:
    failures: list[str] = []
    statuses: dict[str, Counter[int]] = {}
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for number, operation in enumerate(operations):
        # A fresh admin for each operation: fuzzing may revoke its own token or deactivate its own user.
        admin = make_user("admin", username=f"fuzzer{number}", employee="max")
        try:
            statuses[operation.label] = _fuzz(operation, {"Authorization": f"Bearer {admin.token}"})
        except Exception as exc:  # every operation's failure is collected, then all are reported together
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    elapsed = time.monotonic() - started
    assert not failures, "\n\n".join(failures)
    signed_out = sorted(label for label, seen in statuses.items() if set(seen) == {401})
    assert not signed_out, f"every request was refused as signed out, so nothing was tested: {signed_out}"
    assert elapsed < 120, f"the fuzzing took {elapsed:.0f} s"
