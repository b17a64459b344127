"""Engines that run a heavy stage somewhere other than this process.

:mod:`graphfraud.engine.spark` computes the co-visit projection on Apache
Spark, with the same result as :mod:`graphfraud.graph.project`.  The local
engine (numpy, in process) stays the default; see ``docs/spark.md``.
"""
