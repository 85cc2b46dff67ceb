"""Build hook: put the bundled scenarios inside the package of a wheel.

Everything else is configured in pyproject.toml. The repository keeps one copy of the
scenarios, in ``scenarios/``; a wheel (``pip install .``, ``python -m build``) carries them
as ``sim/scenarios/``, where :mod:`sim.scenario.bundled` finds them from any folder.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithScenarios(build_py):
    """``build_py`` that also copies ``scenarios/**/*.toml`` into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's scenarios/
            return
        target = Path(self.build_lib) / "sim" / "scenarios"
        for src in sorted((HERE / "scenarios").rglob("*.toml")):
            dest = target / src.relative_to(HERE / "scenarios")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)


setup(cmdclass={"build_py": BuildWithScenarios})
