"""Run the benchmarks: `python -m bench.run [--quick] [NAME ...]` (`tox -e bench`).

`--quick` is CI's smoke: short runs that must complete cleanly; targets are reported, not
enforced. A full run fails when a benchmark misses its target.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from bench.support import BenchError

BENCHMARKS = (
    "bench_fake_list",
    "bench_fake_view",
    "bench_fake_scale",
    "bench_server_call",
    "bench_server_load",
)


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument(
        "--quick", action="store_true", help="short smoke runs; targets not enforced"
    )
    parser.add_argument(
        "names", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run (default all)"
    )
    args = parser.parse_args()
    failed = []
    for name in args.names or BENCHMARKS:
        print(f"== {name}", flush=True)
        try:
            met = importlib.import_module(f"bench.{name}").run(quick=args.quick)
        except BenchError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            return 2
        if not met:
            print(f"{name}: below target", file=sys.stderr)
            failed.append(name)
    return 1 if failed and not args.quick else 0


if __name__ == "__main__":
    sys.exit(main())
