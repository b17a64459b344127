"""sixthworld: an industrial and mining 县级市 (see README.md)."""
