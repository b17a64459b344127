"""graphfraud: find organised medical-insurance fraud rings in settlement data."""

__version__ = "0.1.0"
