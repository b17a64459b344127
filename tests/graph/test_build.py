"""The claim graph's per-run store of what several detectors compute alike."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from graphfraud.graph.build import build_graph
from graphfraud.synth import toy


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
