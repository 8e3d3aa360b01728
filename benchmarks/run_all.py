"""Run every benchmark in this folder, one after another, and print their numbers.

    python benchmarks/run_all.py            # all of them
    python benchmarks/run_all.py slack core # those whose file name contains a word

Each benchmark is also a script of its own (``python benchmarks/core_throughput.py --help``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    wanted = sys.argv[1:]
    scripts = [
        path
        for path in sorted(HERE.glob("*.py"))
        if path.name != Path(__file__).name and (not wanted or any(w in path.name for w in wanted))
    ]
    failed = []
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], check=False)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
        if result.returncode:
            failed.append(script.stem)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
