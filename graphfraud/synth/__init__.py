"""Seeded synthetic claims worlds with planted fraud rings and benign dense groups.

Only the foundation (errors, contract, params) is imported here; nothing in
the detection pipeline imports synth.
"""

from graphfraud.synth.world import KINDS, SynthParams, World, build_world, make_world
from graphfraud.synth.write import write_world

__all__ = ["KINDS", "SynthParams", "World", "build_world", "make_world", "write_world"]
