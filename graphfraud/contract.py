"""The data contract (v1) as data: input tables, their columns and the output columns.

The reader, the validator, the synthetic generator, the writers and the docs all
use these definitions; nothing here reads or writes files.  See
``../shared/data-contract.md`` for the prose version.

Kinds of column (``Column.kind``):

``id``        string identifier, never a number (leading zeros matter)
``str``       free text
``enum``      one of ``Column.values``
``date``      a calendar date (time of day ignored)
``datetime``  local (Asia/Shanghai) ISO 8601 time; a date alone means midnight
``money``     yuan, two decimals, never negative
``price``     yuan per unit, never negative, decimals kept as given (the national platform's ``pric`` has 4)
``int``       integer
``float``     real number, never negative
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["id", "str", "enum", "date", "datetime", "money", "price", "int", "float"]

VISIT_TYPES = ("outpatient", "inpatient", "pharmacy", "chronic")
ITEM_CATEGORIES = (
    "drug",
    "herbal",
    "exam",
    "lab",
    "consumable",
    "treatment",
    "nursing",
    "bed",
    "other",
)
FACILITY_KINDS = ("hospital", "clinic", "community", "specialty")
ALERTS = ("red", "orange", "yellow")
ENTITY_TYPES = ("person", "doctor", "facility", "pharmacy")


@dataclass(frozen=True)
class Role:
    """A member's role in a ring (``ring_members.csv`` column ``role``), with its Chinese and English names."""

    name: str
    zh: str
    en: str


@dataclass(frozen=True)
class Typology:
    """One fraud pattern: everything the code knows about it, in one row of :data:`TYPOLOGY_TABLE`.

    ``detector`` and ``mostly`` are the rule that gives a scored candidate this
    typology (:func:`graphfraud.score.typology.typology`): the candidates of
    detector ``detector``; else the candidates with at least half their claims
    of visit type ``mostly``; else the row with ``otherwise``.  A row with no
    rule is never given by scoring (``other`` is the benign groups' typology;
    ``split_admission`` and ``claims_after_death`` name peer-comparison signals).
    """

    name: str
    zh: str  # the glossary's word, Chinese (rings, show, workbook, evidence pack, Neo4j)
    en: str
    person_role: str = "recruit"  # the role of its member persons who are not organizers (a ROLE_TABLE key)
    headline: str = ""  # the reason code that names the pattern (graphfraud.score.reasons)
    planter: str = ""  # function of graphfraud.synth.typologies (and synth.varied) planting one ring; "" none
    detector: str = ""
    mostly: str = ""  # a VISIT_TYPES value
    otherwise: bool = False


#: Every role, in the order members are listed (``show``, the evidence pack).
ROLE_TABLE: dict[str, Role] = {r.name: r for r in (
    Role("organizer", "组织者", "organizer"),
    Role("doctor", "医师", "doctor"),
    Role("venue", "机构/药店", "venue"),
    Role("recruit", "被招募人员", "recruit"),
    Role("card_holder", "持卡人", "card holder"),
    Role("patient", "患者", "patient"),
)}  # fmt: skip

#: Every typology, one row each; planted by ``synth`` in this order.  Adding a typology is one row here,
#: its detector (``graphfraud.detect.DETECTORS``) or share rule, and its planter.
TYPOLOGY_TABLE: dict[str, Typology] = {t.name: t for t in (
    Typology("staged_clinic", "虚构诊疗（诊所团伙）", "staged clinic", "recruit", "lockstep", "staged_clinic",
             otherwise=True),
    Typology("card_collector", "职业收卡人（药店刷卡）", "professional card collector", "card_holder", "lockstep",
             "card_collector", mostly="pharmacy"),
    Typology("induced_admission", "诱导住院/挂床", "induced or phantom hospitalisation", "recruit", "co_admission",
             "induced_admission", mostly="inpatient"),
    Typology("kickback", "医师—药店处方引流（回扣）", "doctor-pharmacy steering (kickbacks)", "patient", "steering",
             "kickback", detector="steering"),
    Typology("split_admission", "分解住院", "split admissions", headline="split_admission"),
    Typology("claims_after_death", "死亡后结算", "claims after death", headline="after_death"),
    Typology("other", "其他", "other"),
)}  # fmt: skip

#: Names of the roles and typologies (the keys of the tables above).
ROLES = tuple(ROLE_TABLE)
TYPOLOGIES = tuple(TYPOLOGY_TABLE)


@dataclass(frozen=True)
class Column:
    """One column of a contract table."""

    name: str
    kind: Kind
    required: bool = False
    zh: str = ""
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One table of a claims directory."""

    name: str
    columns: tuple[Column, ...]
    required: bool = True
    key: str | None = None
    zh: str = ""
    extra: tuple[Column, ...] = field(default=())

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns + self.extra)

    def column(self, name: str) -> Column:
        for c in self.columns + self.extra:
            if c.name == name:
                return c
        raise KeyError(name)


PERSONS = Table(
    "persons",
    (
        Column("person_id", "id", True, "人员编号"),
        Column("sex", "enum", zh="性别", values=("M", "F")),
        Column("birth_date", "date", zh="出生日期"),
        Column("region", "id", zh="参保地区划"),
        Column("insured_type", "enum", zh="险种类型", values=("employee", "resident")),
        Column("phone", "id", zh="绑定手机"),
        Column("address", "id", zh="住址"),
        Column("death_date", "date", zh="死亡日期"),
    ),
    key="person_id",
    zh="参保人",
    extra=(Column("birth_year", "int", zh="出生年份"),),
)

FACILITIES = Table(
    "facilities",
    (
        Column("facility_id", "id", True, "定点医疗机构编号"),
        Column("name", "str", zh="机构名称"),
        Column("kind", "enum", zh="机构类别", values=FACILITY_KINDS),
        Column("level", "int", zh="医院等级"),
        Column("ownership", "enum", zh="经营性质", values=("public", "private")),
        Column("region", "id", zh="所在区划"),
        Column("beds", "int", zh="床位数"),
    ),
    key="facility_id",
    zh="定点医疗机构",
)

PHARMACIES = Table(
    "pharmacies",
    (
        Column("pharmacy_id", "id", True, "定点零售药店编号"),
        Column("name", "str", zh="药店名称"),
        Column("chain", "id", zh="连锁编号"),
        Column("region", "id", zh="所在区划"),
    ),
    key="pharmacy_id",
    zh="定点零售药店",
)

DOCTORS = Table(
    "doctors",
    (
        Column("doctor_id", "id", True, "医保医师代码"),
        Column("facility_id", "id", zh="执业机构"),
        Column("name", "str", zh="姓名"),
        Column("title", "str", zh="职称"),
        Column("department", "str", zh="科室"),
    ),
    key="doctor_id",
    zh="医保医师",
)

CLAIMS = Table(
    "claims",
    (
        Column("claim_id", "id", True, "结算ID"),
        Column("patient_id", "id", True, "就诊人"),
        Column("holder_id", "id", zh="参保人(支付)"),
        Column("facility_id", "id", zh="定点医疗机构"),
        Column("pharmacy_id", "id", zh="定点药店"),
        Column("doctor_id", "id", zh="医师"),
        Column("visit_type", "enum", True, "就诊类型", VISIT_TYPES),
        Column("start_time", "datetime", True, "就诊/入院时间"),
        Column("end_time", "datetime", zh="出院时间"),
        Column("total_amount", "money", True, "医疗费总额"),
        Column("fund_amount", "money", True, "基金支付"),
        Column("account_amount", "money", zh="个人账户支付"),
        Column("diagnosis", "str", zh="主诊断"),
        Column("terminal_id", "id", zh="结算终端"),
    ),
    key="claim_id",
    zh="结算",
    extra=(Column("visit_id", "id", zh="就诊ID"),),
)

CLAIM_ITEMS = Table(
    "claim_items",
    (
        Column("claim_id", "id", True, "结算ID"),
        Column("item_code", "id", True, "医疗目录编码"),
        Column("item_name", "str", zh="项目名称"),
        Column("category", "enum", True, "费用类别", ITEM_CATEGORIES),
        Column("quantity", "float", True, "数量"),
        Column("unit_price", "price", True, "单价"),
        Column("amount", "money", True, "金额"),
        Column("trace_code", "id", zh="药品追溯码"),
    ),
    required=False,
    zh="费用明细",
)

LABELS = Table(
    "labels",
    (
        Column("ring_id", "id", True, "团伙编号"),
        Column("typology", "str", True, "类型"),
        Column("entity_type", "enum", True, "实体类型", ENTITY_TYPES),
        Column("entity_id", "id", True, "实体编号"),
    ),
    required=False,
    zh="标注",
)

#: Tables detection reads, in the order they are read and validated.
INPUT_TABLES: tuple[Table, ...] = (PERSONS, FACILITIES, PHARMACIES, DOCTORS, CLAIMS, CLAIM_ITEMS)
TABLES: dict[str, Table] = {t.name: t for t in INPUT_TABLES + (LABELS,)}

#: Output columns of ``rings.csv``, in order, with Chinese headers for spreadsheets.
RINGS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "排名"),
    ("ring_id", "团伙编号"),
    ("score", "风险分"),
    ("alert", "预警等级"),
    ("typology", "类型"),
    ("persons", "人员数"),
    ("doctors", "医师数"),
    ("facilities", "医疗机构数"),
    ("pharmacies", "药店数"),
    ("claims", "结算笔数"),
    ("fund_amount", "涉及基金(元)"),
    ("reasons", "疑点"),
)

#: Output columns of ``ring_members.csv``, in order.
MEMBERS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("ring_id", "团伙编号"),
    ("entity_type", "实体类型"),
    ("entity_id", "实体编号"),
    ("role", "角色"),
    ("score", "分值"),
)

#: Output columns of ``ring_reasons.csv``, in order: one row per reason of every ring.
REASONS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("ring_id", "团伙编号"),
    ("code", "疑点代码"),
    ("value", "指标值"),
    ("threshold", "阈值"),
    ("points", "加分"),
    ("text", "疑点说明"),
)

#: The last column of ``ring_reasons.csv``, after :data:`REASONS_COLUMNS`: the values the reason's
#: text is made of, as compact JSON by field name in sentence order (``{"share":0.61,"venue":"P1"}``;
#: the fields of each code are those of its template in ``graphfraud.score.reasons.TEMPLATES``), so
#: that the evidence report says the reason in Chinese from them.  Output directories written before
#: it have no such column; its readers treat it as optional, and ``export`` and ``show`` leave it out.
REASON_ARGS_COLUMN: tuple[str, str] = ("args", "疑点数值")

#: Output columns of ``explained.csv``: those of ``rings.csv``; its reasons start with why the
#: dense group looks like legitimate care (the benign explanation), then the signals it showed.
EXPLAINED_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (en, "排除理由及疑点" if en == "reasons" else zh) for en, zh in RINGS_COLUMNS
)

#: Output columns of ``ring_claims.csv``: every suspect claim behind every ring.
RING_CLAIMS_COLUMNS: tuple[tuple[str, str], ...] = (("ring_id", "团伙编号"), ("claim_id", "结算ID"))
#: Columns of ``lineage.csv`` (``detect --previous``): which ring of this run continues which of the previous run.
LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("ring_id", "团伙编号"), ("previous_ring_id", "上次团伙编号"), ("status", "变化"), ("members_added", "新增成员"),
    ("members_removed", "减少成员"), ("fund_since_previous", "上次以来基金支付"), ("jaccard", "成员重合度"),
    ("previous_ring_ids", "上次相关团伙"), ("case_status", "案件状态"),
)  # fmt: skip

#: Every table file of a ``detect`` output directory, in the order it is written, with its required
#: columns; the reasons files end with the optional :data:`REASON_ARGS_COLUMN`.  Beside them, ``run.json``.
#: Written and read by :mod:`graphfraud.io.output`.
OUTPUT_FILES: dict[str, tuple[tuple[str, str], ...]] = {
    "rings.csv": RINGS_COLUMNS,
    "ring_members.csv": MEMBERS_COLUMNS,
    "ring_reasons.csv": REASONS_COLUMNS,
    "ring_claims.csv": RING_CLAIMS_COLUMNS,
    "explained.csv": EXPLAINED_COLUMNS,
    "explained_reasons.csv": REASONS_COLUMNS,
    "lineage.csv": LINEAGE_COLUMNS,
}


# --------------------------------------------------------------------------
# In-memory form of a claims directory, as io produces it and synth writes it.
# --------------------------------------------------------------------------
import numpy as np  # noqa: E402  (kept below the pure definitions on purpose)
import pandas as pd  # noqa: E402

#: dtype of ``id``, ``str`` and ``enum`` columns: strings, never numbers.
ID_DTYPE = pd.StringDtype("pyarrow")

#: pandas dtype per contract kind.
DTYPES: dict[str, object] = {
    "id": ID_DTYPE,
    "str": ID_DTYPE,
    "enum": ID_DTYPE,
    "date": "datetime64[ns]",
    "datetime": "datetime64[ns]",
    "money": "float64",
    "price": "float64",
    "int": "Int64",
    "float": "float64",
}


@dataclass(frozen=True)
class QualityWarning:
    """A data-quality finding counted while reading (never a refusal, no row skipped).

    Attributes
    ----------
    file : str
        File (or table) name, ``claim_items.csv``.
    column : str
        Column, as named in the file where a mapping renamed it (``det_item_fee_sumamt (amount)``).
    check : str
        What is wrong, ``amount != quantity x unit_price``.
    rows : int
        Rows of the file that show it.
    examples : tuple of (int, str)
        The first few: row number as a spreadsheet counts it (header = row 1) and the message.
    """

    file: str
    column: str
    check: str
    rows: int
    examples: tuple[tuple[int, str], ...] = ()

    def record(self) -> dict[str, object]:
        """As a JSON-ready dict (``data_quality`` in run.json and ``validate --json``)."""
        return {
            "file": self.file,
            "column": self.column,
            "check": self.check,
            "rows": self.rows,
            "examples": [{"row": row, "message": message} for row, message in self.examples],
        }


@dataclass(frozen=True)
class ClaimsData:
    """A validated claims directory in memory.

    Every frame has the contract's column names and dtypes (:data:`DTYPES`);
    optional columns absent from the input are present and empty (NA), so
    later stages never test for a column's existence.  ``claim_items`` is an
    empty frame with the contract columns when the directory has none.

    Attributes
    ----------
    persons, facilities, pharmacies, doctors, claims, claim_items : DataFrame
        Contract columns in contract dtypes, but the enum columns the reader
        was told to keep as codes (``read_claims_dir(codes=...)``; ``detect``:
        ``claim_items.category``), which are pandas categoricals.
    source : dict
        ``{file name: sha256 hex}`` of every input file read (empty for
        in-memory worlds).
    skipped : dict
        ``{file name: {reason: rows skipped}}`` under ``--lenient``.
    time_resolution : str
        ``"minute"`` when claim start times carry a time of day, ``"day"``
        when every start time is at midnight (date-only export), ``"mixed"``
        when some venues export dates only and the others times.
    date_only_venues : tuple of str
        Under ``"mixed"``, the facility and pharmacy ids whose every claim
        starts at midnight, or whose claims of a day all carry one time (a
        batch upload's, :func:`graphfraud.io.read.batch_uploaded`): their
        claims pair over the whole day and are left out of minute-level
        measures (arrival gaps, off-hours shares).
    links : dict
        ``{"table.column": rows}``: for each foreign key, the row in the
        referenced table of every row (int32, ``-1`` where empty), found by
        the validator's key checks and kept so that later stages never hash
        the same ten million ids again.  Read them with :meth:`link`.  A
        ``ClaimsData`` whose tables are replaced must drop them (``links={}``).
    released : tuple of str
        ``"table.column"`` names the reader was told the caller does not use
        (checked where the contract has rules, then left NA to save memory).
    warnings : tuple of QualityWarning
        Data-quality findings that are counted, not refused (a fee line whose
        amount is not quantity x unit_price): ``data_quality`` in run.json.
    """

    persons: pd.DataFrame
    facilities: pd.DataFrame
    pharmacies: pd.DataFrame
    doctors: pd.DataFrame
    claims: pd.DataFrame
    claim_items: pd.DataFrame
    source: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, dict[str, int]] = field(default_factory=dict)
    time_resolution: str = "minute"
    date_only_venues: tuple[str, ...] = ()
    links: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    released: tuple[str, ...] = ()
    warnings: tuple[QualityWarning, ...] = ()

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def link(self, table: str, column: str) -> np.ndarray | None:
        """Rows in the referenced table of ``table.column`` (``-1`` where empty), or None if not known.

        None also when the table's length no longer matches (a table was replaced).
        """
        rows = self.links.get(f"{table}.{column}")
        if rows is None or len(rows) != len(self.table(table)):
            return None
        return rows


def empty_frame(table: Table) -> pd.DataFrame:
    """An empty DataFrame with ``table``'s columns and contract dtypes."""
    return pd.DataFrame({c.name: pd.Series([], dtype=DTYPES[c.kind]) for c in table.columns})
