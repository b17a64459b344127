"""Analyses of claims and rings beside detection: neighbourhoods, institutions against peers, evaluation against labels."""
