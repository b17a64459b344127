"""Fixtures of the scoring tests: the features of a group of persons picked by their ids in a small world."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score.features import Features, claim_facts, features


@pytest.fixture
def measure_by_letter() -> Callable[[Path], Callable[[str], Features]]:
    """``measure_by_letter(folder)(letters)``: the features of the persons whose ids start with one of ``letters``,
    as one co-visit candidate holding all their claims, in the claims folder ``folder``."""

    def world(folder: Path) -> Callable[[str], Features]:
        graph = build_graph(read_claims_dir(folder))
        facts = claim_facts(graph)
        person_ids = pd.Series(graph.visits.persons.ids)
        person = graph.visits.column("person")

        def measured(letters: str) -> Features:
            codes = np.flatnonzero(person_ids.str[0].isin(list(letters)).to_numpy())
            return features(Candidate("covisit", codes, np.flatnonzero(np.isin(person, codes))), facts)

        return measured

    return world
