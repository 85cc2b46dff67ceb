"""Run every benchmark script in this folder (``bench_*.py``), one after the other.

Each prints its own table of ratios measured in the same run; see the scripts' docstrings.
Used by ``make bench``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    status = 0
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        status |= subprocess.run([sys.executable, str(script)], check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
