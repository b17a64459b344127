"""Field names of the national medical-insurance information platform (国家医保信息平台).

``--mapping nhsa`` reads exports that use the platform's own field names
(``psn_no``, ``setl_id``, ``medfee_sumamt``, ...).  The mapping is plain data
in the same shape as a user's YAML mapping file (see
:mod:`graphfraud.io.mapping`), so a user file can start from it with
``base: nhsa`` and add or override entries.

Source names are matched case-insensitively (``PSN_NO`` works too).  Columns
that already carry contract names pass through unchanged.

Only the aliases listed in the data contract are included.  In particular only
the ``med_type`` (医疗类别) codes 11 (普通门诊), 14 (门诊慢特病), 21 (普通住院)
and 41 (定点药店购药) are understood; a claim with another code gets a clear
error naming it, and a user mapping with ``base: nhsa`` can add it::

    base: nhsa
    claims:
      values:
        visit_type: {"13": outpatient, "22": inpatient}

Examples
--------
>>> NHSA["claims"]["values"]["visit_type"]["41"]
'pharmacy'
"""

from __future__ import annotations

from typing import Any

_DOCTOR = {"bilg_dr_codg": "doctor_id", "atddr_no": "doctor_id", "dr_codg": "doctor_id"}

#: The mapping, keyed by contract table; ``columns`` maps source -> contract
#: column, ``values`` maps contract column -> {source value: contract value}
#: (``None`` means empty), ``split`` sends one source column to one of several
#: contract columns depending on another (mapped) column.
NHSA: dict[str, Any] = {
    "persons": {
        "columns": {
            "psn_no": "person_id",
            "gend": "sex",
            "brdy": "birth_date",
            "insuplc_admdvs": "region",
        },
        # GB/T 2261.1: 1 male, 2 female, 0 unknown, 9 unstated.
        "values": {"sex": {"1": "M", "2": "F", "0": None, "9": None}},
    },
    "facilities": {
        "columns": {"fixmedins_code": "facility_id", "fixmedins_name": "name"},
    },
    "pharmacies": {
        "columns": {"fixmedins_code": "pharmacy_id", "fixmedins_name": "name"},
    },
    "doctors": {
        "columns": {**_DOCTOR, "fixmedins_code": "facility_id"},
    },
    "claims": {
        "columns": {
            "setl_id": "claim_id",
            "psn_no": "patient_id",
            "mdtrt_id": "visit_id",
            "med_type": "visit_type",
            "begntime": "start_time",
            "endtime": "end_time",
            "medfee_sumamt": "total_amount",
            "fund_pay_sumamt": "fund_amount",
            "acct_pay": "account_amount",
            "dise_codg": "diagnosis",
            **_DOCTOR,
        },
        "values": {
            "visit_type": {"11": "outpatient", "14": "chronic", "21": "inpatient", "41": "pharmacy"},
        },
        # A settlement's fixmedins_code is a pharmacy for 定点药店购药, else a facility.
        "split": {
            "fixmedins_code": {
                "by": "visit_type",
                "when": {"pharmacy": "pharmacy_id"},
                "else": "facility_id",
            },
        },
    },
    "claim_items": {
        "columns": {
            "setl_id": "claim_id",
            "med_list_codg": "item_code",
            "det_item_fee_sumamt": "amount",
            "cnt": "quantity",
            "pric": "unit_price",
            "drug_trac_codg": "trace_code",
        },
    },
}
