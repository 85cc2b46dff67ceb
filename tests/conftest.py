"""Test-suite configuration.

Under CI (``CI=true``) hypothesis runs derandomized: every CI run tries the same examples, so
a red run is reproducible and never a matter of luck. Local runs stay random (and keep a
database of failures in ``.hypothesis/``), which is where new counter-examples are found;
``HYPOTHESIS_PROFILE=ci`` gives a local run the CI behaviour.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
profile = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else None)
if profile:
    settings.load_profile(profile)


@pytest.fixture
def scenario_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a small inline scenario to a file: ``path = scenario_file(TEXT, "pd.toml")``.

    The many tests that run the command line on a scenario written in the test share it.
    """

    def write(text: str, name: str = "scenario.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
