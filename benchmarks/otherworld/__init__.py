"""An independent claims-world generator and scorer for graphfraud (issue 14).

Written only from the data contract and the design notes, without reading graphfraud's own
generator or detectors; see README.md in this folder for its assumptions.
"""
