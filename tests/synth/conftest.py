"""Shared small synthetic worlds, built once per test session."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd
import pytest

from graphfraud.contract import ClaimsData
from graphfraud.synth import SynthParams, make_world

World = tuple[ClaimsData, pd.DataFrame]


@functools.lru_cache(maxsize=None)
def _world(items: tuple[tuple[str, object], ...]) -> World:
    base: dict[str, object] = {"persons": 3000, "days": 180, "seed": 11}
    base.update(dict(items))
    return make_world(SynthParams(**base))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def synth_world() -> Callable[..., World]:
    """``synth_world(**params)``: a world of 3000 persons over 180 days (seed 11) unless overridden, cached."""

    def make(**kwargs: object) -> World:
        return _world(tuple(sorted(kwargs.items())))

    return make


@pytest.fixture(scope="session")
def full(synth_world: Callable[..., World]) -> World:
    """Every kind planted once."""
    return synth_world()
