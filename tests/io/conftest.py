"""Tiny claims directories for the io tests, built in ``tmp_path``.

The base world is valid: 3 persons, 2 facilities, 1 pharmacy, 2 doctors,
4 claims (outpatient x2, pharmacy, inpatient) and 3 fee lines.  Tests change
single cells with :meth:`World.edit` (rows numbered as in a spreadsheet: the
header is row 1) and write the directory with :meth:`World.__call__`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

BASE: dict[str, str] = {
    "persons": """\
person_id,sex,birth_date,region,insured_type,phone,address,death_date
0001,F,1950-01-02,350206,resident,p1,a1,
0002,M,1948-05-06,350206,employee,p1,a2,
0003,F,1960-07-08,350203,resident,,,
""",
    "facilities": """\
facility_id,name,kind,level,ownership,region,beds
H001,Clinic A,clinic,0,private,350206,
H002,Hospital B,hospital,3,public,350206,800
""",
    "pharmacies": """\
pharmacy_id,name,chain,region
P001,Shop,C1,350206
""",
    "doctors": """\
doctor_id,facility_id,name,title,department
D001,H001,Dr A,,
D002,H002,Dr B,,
""",
    "claims": """\
claim_id,patient_id,holder_id,facility_id,pharmacy_id,doctor_id,visit_type,start_time,end_time,total_amount,fund_amount,account_amount,diagnosis,terminal_id
C0001,0001,,H001,,D001,outpatient,2024-03-05 09:41:00,,120.50,80.00,10.00,J06.9,T1
C0002,0002,0001,H001,,D001,outpatient,2024-03-05T09:43:00,,99.00,60.00,,J06.9,T1
C0003,0003,,,P001,,pharmacy,2024-03-06 15:00:00,,300.00,0.00,300.00,,T9
C0004,0001,,H002,,D002,inpatient,2024-03-10 08:00:00,2024-03-15 10:00:00,5000.00,3500.00,,I10,
""",
    "claim_items": """\
claim_id,item_code,item_name,category,quantity,unit_price,amount,trace_code
C0001,X1,Amoxicillin,drug,2,10.25,20.50,TR1
C0001,X2,Blood test,lab,1,100.00,100.00,
C0003,X3,Insulin,drug,3,100.00,300.00,TR2
""",
}


def edit(text: str, row: int, column: str, value: str) -> str:
    """``text`` (a CSV) with one cell changed; ``row`` counts the header as row 1."""
    rows = list(csv.reader(io.StringIO(text)))
    rows[row - 1][rows[0].index(column)] = value
    return to_csv(rows)


def to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


class World:
    """Writes claims directories: ``world(claims=text, drop=("claim_items",))``."""

    base = BASE

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0

    def __call__(self, *, drop: tuple[str, ...] = (), parquet: tuple[str, ...] = (), **tables: str) -> Path:
        self.count += 1
        d = self.root / f"world{self.count}"
        d.mkdir()
        for name, text in {**BASE, **tables}.items():
            if name in drop:
                continue
            if name in parquet:
                path = d / f"{name}.csv"
                path.write_text(text, encoding="utf-8")
                names = text.splitlines()[0].split(",")
                import pyarrow as pa

                table = pcsv.read_csv(
                    path,
                    convert_options=pcsv.ConvertOptions(
                        column_types={n: pa.string() for n in names}, strings_can_be_null=True
                    ),
                )
                path.unlink()
                pq.write_table(table, d / f"{name}.parquet")
            else:
                (d / f"{name}.csv").write_text(text, encoding="utf-8")
        return d

    @staticmethod
    def edit(table: str, row: int, column: str, value: str) -> str:
        """The base ``table`` with one cell changed."""
        return edit(BASE[table], row, column, value)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)
