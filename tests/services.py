"""The one rule for tests that need a service (Redis, PostgreSQL, a redis-server binary).

In CI (CI=true) every service is there, so such a test always runs and a missing service fails
it. Only outside CI — a bare clone on the embedded default, where `make test` must pass alone —
is it left out, with the reason printed."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def requires(available: bool, why: str) -> pytest.MarkDecorator:
    """A mark: run when `available` or in CI (where a missing service is a failure)."""
    return pytest.mark.skipif(not available and not IN_CI, reason=why)


def require_now(available: bool, why: str) -> None:
    """The same rule inside a fixture or test body."""
    if available:
        return
    if IN_CI:
        pytest.fail(why)
    pytest.skip(why)
