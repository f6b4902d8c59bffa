"""`python -m bench [--runs N] [--quick]`: run the suite and write docs/performance.md and .json."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.report import DOCS, summarize, write
from bench.scenarios import Config, Run, one_run


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs to take medians over (default 3)")
    parser.add_argument("--quick", action="store_true", help="one short run, to try the suite out")
    parser.add_argument("--out", type=Path, default=DOCS, help="where performance.md and .json go")
    parser.add_argument("--profile", type=Path, help="run the server under cProfile, writing its stats to this file")
    return parser


def _progress(line: str) -> None:
    print(f"  {line}", flush=True)


async def _main(runs: int, config: Config, out: Path) -> int:
    results: list[Run] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wallet-bench-") as logs:
        for index in range(runs):
            print(f"run {index + 1} of {runs}", flush=True)
            run_dir = Path(logs) / f"run{index + 1}"
            run_dir.mkdir()
            results.append(await one_run(config, run_dir, _progress))
    summary = summarize(results, config, time.monotonic() - started)
    md, js = write(summary, out)
    print(f"wrote {md} and {js} ({time.monotonic() - started:.0f} s)")
    missed = [figure["name"] for figure in summary["figures"] if figure["met"] is False]
    print("targets missed: " + (", ".join(missed) if missed else "none"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = Config(alone=2, concurrency=(50, 200), lock_saves=5, monitored_saves=2) if args.quick else Config()
    if args.profile:
        config = dataclasses.replace(config, profile=args.profile.resolve())
    return asyncio.run(_main(1 if args.quick else args.runs, config, args.out))


if __name__ == "__main__":
    sys.exit(main())
