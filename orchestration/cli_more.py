"""Feature subcommands of `escalator` (indicators, code-titles, pathways, report, ...)."""

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    return None
