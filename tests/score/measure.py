"""The features of a group of persons picked by the first letter of their ids, in a small claims folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.detect.candidate import Candidate
from graphfraud.graph.build import build_graph
from graphfraud.io.read import read_claims_dir
from graphfraud.score.features import Features, claim_facts, features


def by_letter(folder: Path) -> Callable[[str], Features]:
    """``by_letter(folder)(letters)``: the features of the persons whose ids start with one of ``letters``, as one
    co-visit candidate holding all their claims, in the claims folder ``folder``."""
    graph = build_graph(read_claims_dir(folder))
    facts = claim_facts(graph)
    person_ids = pd.Series(graph.visits.persons.ids)
    person = graph.visits.column("person")

    def measured(letters: str) -> Features:
        codes = np.flatnonzero(person_ids.str[0].isin(list(letters)).to_numpy())
        return features(Candidate("covisit", codes, np.flatnonzero(np.isin(person, codes))), facts)

    return measured
