"""Property-based requests from the app's own OpenAPI schema (schemathesis): whatever the
input, no answer is a 500, and every refusal is in Chinese and English. Bounded: a few
examples per operation, no deadline per example, no example database."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from tests.service.conftest import World

from yigai.auth import Role

MAX_EXAMPLES = 25


def test_no_input_gets_a_500(world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            token = world.login(Role.ADMIN) if case.path.endswith("/logout") else None
            headers = {"Authorization": f"Bearer {token}"} if token else world.auth(Role.ADMIN)
            response = case.call(headers=headers)
            assert response.status_code < 500, f"{case.method} {case.path}: {response.text}"
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"zh", "en"}

        check()
