"""`python -m bench`: run each registered section and print its tables."""

from __future__ import annotations

import argparse
import importlib
import importlib.util

from .common import SECTIONS, Options

# A section is a module here that registers itself with @section(name).
SECTION_MODULES = (
    "render",
    "contention",
    "peer",
    "readers",
    "live",
    "streams",
    "standing",
    "page",
    "overview",
)
QUICK_SIZES = [10, 100]  # --quick: small maps, one run each, short live and streams runs


def load_sections() -> list[str]:
    """Import the section modules that exist; returns the registered section names."""
    for name in SECTION_MODULES:
        if importlib.util.find_spec(f"bench.{name}") is not None:
            importlib.import_module(f"bench.{name}")
    return list(SECTIONS)


def sizes(text: str) -> list[int]:
    """Comma-separated positive whole numbers, e.g. 10,100."""
    try:
        found = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        message = f"sizes must be whole numbers like 10,100: {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not found or min(found) < 1:
        raise argparse.ArgumentTypeError(f"give one or more sizes of 1 or more: {text!r}")
    return found


def parser(names: list[str]) -> argparse.ArgumentParser:
    """The command line: which sections, which sizes, how many repeats."""
    parse = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parse.add_argument("--only", choices=names, help="run only this section")
    parse.add_argument("--sizes", type=sizes, help="map sizes in nodes, e.g. 10,100")
    parse.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parse.add_argument(
        "--timeout", type=float, default=20.0, help="seconds before a raw dot run is stopped"
    )
    parse.add_argument(
        "--live-seconds", type=float, default=20.0, help="how long the live section's writers write"
    )
    parse.add_argument(
        "--quick", action="store_true", help="a short run: small maps and few streams"
    )
    return parse


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections and print their tables to stdout."""
    names = load_sections()
    args = parser(names).parse_args(argv)
    options = Options(
        sizes=args.sizes or (QUICK_SIZES if args.quick else None),
        repeat=1 if args.quick else max(args.repeat, 1),
        timeout=args.timeout,
        live_seconds=args.live_seconds,
        quick=args.quick,
    )
    for name in [args.only] if args.only else names:
        for table in SECTIONS[name](options):
            print(table.render(), end="\n\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
