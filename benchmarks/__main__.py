"""`python -m benchmarks [name ...]`: run the named benchmarks (default: all) and print their figures."""

import importlib
import sys

BENCHMARKS = [
    "refresh",
    "soc_coder",
    "escalator_ranker",
    "escalator_onet",
    "escalator_steps",
    "transport",
    "ons_job_adverts",
    "mutation",
    "title_model_cv",
    "england_scale",
    "celery_matrix",
]


def main(argv: list[str]) -> None:
    names = [a for a in argv if not a.startswith("--")] or BENCHMARKS  # flags (--no-peers) are each one's own
    for name in names:
        if name not in BENCHMARKS:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
        print(f"\n=== benchmark: {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
