"""Evidence packs (证据材料) for police liaison (行刑衔接): one self-contained, verifiable folder per ring.

Modules: :mod:`.source` reads a ring from a detection output directory,
:mod:`.tables` builds the pack's CSV tables, :mod:`.wording` puts reasons in
plain Chinese or English, :mod:`.figures` draws the pictures, :mod:`.report`
writes report.html and report.pdf, :mod:`.manifest` hashes and zips,
:mod:`.verify` re-hashes, :mod:`.pack` chains them, :mod:`.mask` hides
personal identifiers.
"""
