"""eleventhworld: a megacity's new district of young white-collar workers, 互联网医院 and 长护险 (an independent world generator)."""
