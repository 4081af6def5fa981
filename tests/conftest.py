"""Shared test set-up: hypothesis profiles and the pytester fixture.

Profiles (choose with the environment variable ``SENDFLOW_HYPOTHESIS_PROFILE``):

- ``ci`` (the default): quick, so the properties of every packaged process run in CI in
  well under two minutes together.
- ``thorough``: many more examples and longer histories, for a run before a release or
  after changing the engine.

Neither has a deadline: generating a long history legitimately takes longer than
hypothesis's default 200 ms on a busy machine.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ("pytester",)

for name, examples in (("ci", 60), ("thorough", 2000)):
    settings.register_profile(
        name,
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=True,
    )
settings.load_profile(os.environ.get("SENDFLOW_HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the cases ``measure_store`` evaluates, in order (the rest it counts)."""
    from sendflow.compliance import measuring

    found: list[str] = []
    evaluate = measuring.evaluate

    def spy(*args, **kwargs):
        found.append(kwargs["case_id"])
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(measuring, "evaluate", spy)
    return found
