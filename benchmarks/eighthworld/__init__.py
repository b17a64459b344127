"""eighthworld: a western 自治州 of pastoral and farming counties (an independent world generator)."""
