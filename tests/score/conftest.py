"""Fixtures of the scoring tests: the features of a group of persons picked by their ids in a small world."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graphfraud.score.features import Features
from tests.score.measure import by_letter


@pytest.fixture
def measure_by_letter() -> Callable[[Path], Callable[[str], Features]]:
    """``measure_by_letter(folder)(letters)``: the features of the persons whose ids start with one of ``letters``,
    as one co-visit candidate holding all their claims, in the claims folder ``folder``."""

    return by_letter
