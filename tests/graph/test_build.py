"""The claim graph's per-run store of what several detectors compute alike."""

import dataclasses
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud.graph.build import build_graph, patient_codes
from graphfraud.io.read import read_claims_dir
from graphfraud.synth import toy
from graphfraud.synth.write import write_world


def test_what_two_threads_ask_for_at_once_is_made_once():
    # detectors side by side (pipeline.run(jobs=2)) may ask for the same shared value together
    graph = build_graph(toy.staged_clinic()[0])
    made = []
    both_asked = threading.Barrier(2)

    def make():
        made.append(threading.get_ident())
        time.sleep(0.05)  # long enough for the other thread to ask meanwhile
        return object()

    def ask(_):
        both_asked.wait()
        return graph.shared("slow", make)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(ask, range(2))
    assert len(made) == 1
    assert first is second


def test_a_value_may_be_made_from_another_shared_value():
    # card_uses reads claim_codes: making one shared value may ask for another in the same thread
    graph = build_graph(toy.staged_clinic()[0])
    outer = graph.shared("outer", lambda: graph.claim_codes("visit_type")[1].tolist())
    assert outer == graph.claim_codes("visit_type")[1].tolist()


def test_patient_codes_through_the_links_are_the_hashed_ids(tmp_path: Path) -> None:
    """Speed round 22: ``ClaimGraph.patient_codes`` (the links and the inverse of ``person_rows``, kept for the run)
    gives the codes of the patients' ids hashed, for any rows, with persons unsorted and persons without claims."""
    data, labels = toy.staged_clinic()
    extra = pd.DataFrame({"person_id": ["ZZ_unseen_1", "AA_unseen_2"]})
    persons = pd.concat([data.persons, extra], ignore_index=True).sample(frac=1.0, random_state=5)
    write_world(dataclasses.replace(data, persons=persons.reset_index(drop=True)), labels, tmp_path)
    read = read_claims_dir(tmp_path)
    graph = build_graph(read)
    assert read.link("claims", "patient_id") is not None
    rng = np.random.default_rng(22)
    for _ in range(5):
        rows = rng.choice(len(read.claims), size=int(rng.integers(0, len(read.claims))), replace=True)
        expected = graph.visits.persons.codes(read.claims["patient_id"].iloc[rows])  # each claim's id hashed
        assert patient_codes(read, graph.visits.persons, rows).tolist() == expected.tolist()
        assert graph.patient_codes(rows).tolist() == expected.tolist()
