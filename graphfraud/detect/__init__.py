"""Detectors: one module per signal, each with ``NAME`` and ``detect(graph, params, *, seed)``."""

from graphfraud.detect import beds, cardbatch, cardload, cardmenu, cards, coadmit, covisit, mutual, steering

#: Every detector, in the order the pipeline runs them, with the RunParams field of its parameters.
DETECTORS = {
    covisit.NAME: (covisit, "covisit"),
    coadmit.NAME: (coadmit, "coadmit"),
    beds.NAME: (beds, "beds"),
    steering.NAME: (steering, "steering"),
    cards.NAME: (cards, "cards"),
    cardload.NAME: (cardload, "cardload"),
    cardmenu.NAME: (cardmenu, "cardmenu"),
    mutual.NAME: (mutual, "mutual"),
    cardbatch.NAME: (cardbatch, "cardbatch"),
}
