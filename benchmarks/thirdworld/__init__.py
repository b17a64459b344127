"""A third, independently written claims world for judging graphfraud: a rural county (县).

Written only from the data contract, the design notes and knowledge of Chinese 医保 settlement data and
published fraud cases, without reading graphfraud's generator or detectors, nor the second world's code.
Nothing in graphfraud imports it; see README.md in this folder for every assumption.
"""
