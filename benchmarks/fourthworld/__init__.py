"""fourthworld: a prefecture city (地级市) exported from the national platform, for judging graphfraud.

A benchmark, not part of the package: nothing in ``graphfraud`` imports it. See README.md.
"""
