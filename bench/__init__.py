"""argmap benchmarks: `python -m bench` (or `make bench`) prints a table per section."""
