"""fifthworld: a 直辖市 district of 3A hospitals, 互联网医院 and small 民营 venues (see README.md)."""
