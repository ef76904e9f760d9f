"""schemathesis against /openapi.json: the document validates against the OpenAPI meta-schema, and every API
operation, fed generated valid and invalid requests as an admin linked to an employee, never answers with a
server error and answers in the shape its schema documents.

The database holds a small world (staff, cases with posts, a reply), and besides fully generated requests
each operation with ids gets requests about id 1, which exists, so requests reach the services and not only
the 404 path."""

from __future__ import annotations

import os
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
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.models import User
from groundswell.replies import service as replies
from groundswell.users import service as users
from tests.replies.world import add_case, add_staff, no_offence
from tests.web.conftest import WebUser

# Small, so the whole run stays under a minute on two cores (about 40 s on SQLite); CI may raise it.
EXAMPLES = int(os.environ.get("GROUNDSWELL_SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def schema(app: FastAPI, store: Store) -> schemathesis.BaseSchema:
    with write_transaction(store.sessions) as session:
        add_staff(session)
        worlds = [add_case(session, handle=f"customer{n}@example.social") for n in range(3)]
        replies.draft_reply(session, case_id=worlds[0].case_id, author="ana", text="We are on it.", scorer=no_offence)
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
    strategies = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    ids = [p.name for p in operation.path_parameters if p.name.endswith("_id")]
    if ids:  # and requests about the first case, post, reply... which exist, so they reach the services
        strategies.append(operation.as_strategy(path_parameters=dict.fromkeys(ids, 1)))
    strategy = st.one_of(*strategies)

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(case=strategy)
    def exercise(case: Case) -> None:
        seen[case.call_and_validate(headers=headers, checks=CHECKS).status_code] += 1

    exercise()
    return seen


def _new_token(store: Store, user: WebUser) -> str:
    with write_transaction(store.sessions) as session:
        user_id = session.scalars(select(User.id).where(User.username == user.username)).one()
        return users.create_token(session, user_id=user_id, name="fuzz", scopes=["read", "write"], actor="tests").token


def test_no_operation_answers_with_a_server_error(
    schema: schemathesis.BaseSchema, make_user: Callable[..., WebUser], store: Store
) -> None:
    failures: list[str] = []
    statuses: dict[str, Counter[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    fuzzer = make_user("admin", username="fuzzer", employee="max")  # the API refuses to demote or disable oneself
    for operation in operations:
        try:
            # A fresh token for each operation: fuzzing DELETE /me/tokens/{id} may revoke the one it uses.
            statuses[operation.label] = _fuzz(operation, {"Authorization": f"Bearer {_new_token(store, fuzzer)}"})
        except Exception as exc:  # every operation's failure is collected, then all are reported together
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
    signed_out = sorted(label for label, seen in statuses.items() if set(seen) == {401})
    assert not signed_out, f"every request was refused as signed out, so nothing was tested: {signed_out}"
