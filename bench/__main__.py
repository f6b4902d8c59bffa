"""`python -m bench [--runs N] [--quick] [--only bulk]`: run the suite and write docs/performance.md and .json."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.bulk import bulk_batches
from bench.procs import compile_bytecode
from bench.report import DOCS, bulk_figures, replace_figures, summarize, write
from bench.scenarios import Config, Run, one_run


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs to take medians over (default 3)")
    parser.add_argument("--quick", action="store_true", help="one short run, to try the suite out")
    parser.add_argument("--out", type=Path, default=DOCS, help="where performance.md and .json go")
    parser.add_argument("--profile", type=Path, help="run the server under cProfile, writing its stats to this file")
    parser.add_argument(
        "--only", choices=["bulk"], help="run only these figures, replacing them in the existing report (bench/bulk.py)"
    )
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


async def _only_bulk(config: Config, out: Path) -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wallet-bench-") as logs:
        run = Run(bulk=await bulk_batches(config.bulk, config.latency, Path(logs), _progress))
    figs = bulk_figures([run], config)
    md, js = replace_figures(out, figs, "bulk.")
    print(f"updated the bulk figures in {md} and {js} ({time.monotonic() - started:.0f} s)")
    missed = [fig.key for fig in figs if fig.met is False]
    print("targets missed: " + (", ".join(missed) if missed else "none"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    quick = Config(alone=2, concurrency=(50, 200), lock_saves=5, monitored_saves=2, bulk=(100,))
    config = quick if args.quick else Config()
    if args.profile:
        config = dataclasses.replace(config, profile=args.profile.resolve())
    if args.only == "bulk":
        return asyncio.run(_only_bulk(config, args.out))
    compile_bytecode()  # before the loop: start-up is measured against cached bytecode
    return asyncio.run(_main(1 if args.quick else args.runs, config, args.out))


if __name__ == "__main__":
    sys.exit(main())
