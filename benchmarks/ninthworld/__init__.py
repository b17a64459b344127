"""ninthworld: a coastal manufacturing town of migrant workers (an independent world generator)."""
