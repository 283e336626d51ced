"""Argument types the fake's commands share (`serve`, `record`): standard library only, so
`--help` stays light."""

from __future__ import annotations

import argparse


def positive(text: str) -> float:
    """A number above 0, else a usage error naming what was given."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value
