"""The benchmark suite: the real server and the Commerce Layer sandbox as subprocesses, driven
over HTTP with signed Slack requests from this process. `make bench` (`python -m bench`) writes
`docs/performance.md` and `docs/performance.json`. Not part of `make test`: timings on a shared
machine are figures to read, never assertions."""
