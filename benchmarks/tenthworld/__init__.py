"""tenthworld: a shrinking northeastern old-industrial district of 国企 retirees (an independent world generator)."""
