"""ODS extracts made from the demo data, with deliberate drift of every kind the page shows.

`build_extract(session)` picks cooperatives of the demo register and writes one ODS row for
each, changed as a drift asks; `Drift` names the cooperatives (and rows) of each drift, so a
test can check the group and the reason of each.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from sqlalchemy import select

from ppkl.certification.services import MoveSettings, advance_stage
from ppkl.models import Cooperative, Regency, User
from ppkl.workflow import OdsEvidence, RatEvidence, ReportEvidence, Stage

HEADER_ID = [
    "NIK",
    "Nama Koperasi",
    "Kabupaten/Kota",
    "Nomor Badan Hukum",
    "Kecamatan",
    "Tanggal Update",
    "Tanggal NIK",
    "Tahun RAT",
    "Status",
]
ODS_DATE = "2019-07-15"
NIK_DATE = "2019-08-01"
OTHER_NIK = "6599000000000001"


@dataclass
class Drift:
    consistent: list[int] = field(default_factory=list)
    entry_ahead: int = 0  # report received here, in ODS: propose ODS entry
    nik_ahead: int = 0  # entered here, NIK in ODS: propose the certificate
    two_ahead: int = 0  # report received here, NIK in ODS: both moves
    too_far_ahead: int = 0  # RAT held here, NIK in ODS: no proposal
    nik_differs: int = 0
    len_differs: int = 0
    name_differs: int = 0
    no_nik_in_ods: int = 0
    draft_in_ods: int = 0
    missing_in_ods: list[int] = field(default_factory=list)  # entered here, not in ODS
    by_name_variant: int = 0  # matched by a name written another way
    only_ppkl: list[int] = field(default_factory=list)
    new_name: str = "Koperasi Produsen Tunas Harapan Baru"
    similar_to: int = 0  # a cooperative the row's misspelt name resembles
    rows: list[list[str]] = field(default_factory=list)


def regency_label(name: str) -> str:
    return f"Kota {name}" if name == "Tarakan" else f"Kab. {name}"


def variant(name: str) -> str:
    """The same name as ODS might write it."""
    for short, long in (("KSP ", "Kop. Simpan Pinjam "), ("KSU ", "K.S.U. ")):
        if name.startswith(short):
            return long + name[len(short) :].upper()
    return name.replace("Koperasi ", "Kop. ", 1)


STEPS = {
    Stage.RAT_HELD: RatEvidence(2018, date(2019, 3, 1), 30, 40),
    Stage.REPORT_RECEIVED: ReportEvidence(date(2019, 4, 1)),
    Stage.ODS_ENTERED: OdsEvidence(date(2019, 5, 1), "Petugas ODS"),
}


def advance_some(session, regency, wanted: dict[Stage, int]) -> None:
    """The demo has few cooperatives between the RAT and the NIK: move some not-started ones
    forward with the workflow's own service, so each drift has its cooperatives."""
    actor = session.scalar(select(User).where(User.username == "supervisor"))
    waiting = session.scalars(
        select(Cooperative)
        .where(
            Cooperative.regency_id == regency.id,
            Cooperative.active,
            Cooperative.stage == Stage.NOT_STARTED,
        )
        .order_by(Cooperative.id)
    ).all()
    settings = MoveSettings.from_app()
    for target, count in wanted.items():
        for _ in range(count):
            coop = waiting.pop(0)
            for stage, evidence in STEPS.items():
                advance_stage(actor, coop, stage, evidence, None, None, date(2019, 6, 1), settings)
                if stage == target:
                    break
    session.commit()


def build_extract(session, regency_name: str = "Bulungan") -> Drift:
    """Rows for one regency of the demo: the regency the file covers."""
    regency = session.scalar(select(Regency).where(Regency.name == regency_name))
    advance_some(session, regency, {Stage.ODS_ENTERED: 6, Stage.REPORT_RECEIVED: 2})
    coops = session.scalars(
        select(Cooperative).where(Cooperative.regency_id == regency.id).order_by(Cooperative.id)
    ).all()
    by_stage: dict[str, list[Cooperative]] = {}
    for c in coops:
        if c.active:
            by_stage.setdefault(c.stage, []).append(c)
    certified = by_stage[Stage.CERTIFIED]
    entered = by_stage[Stage.ODS_ENTERED]
    received = by_stage[Stage.REPORT_RECEIVED]
    held = by_stage[Stage.RAT_HELD]
    drift = Drift()
    label = regency_label(regency.name)

    def row(c, nik=None, name=None, number=None, ods_date=ODS_DATE, nik_date="", status="Aktif"):
        drift.rows.append(
            [
                nik or "",
                name or c.name,
                label,
                number or c.legal_entity_number or "",
                c.district or "",
                ods_date,
                nik_date,
                "2018",
                status,
            ]
        )

    # Certified here: most agree; some drift.
    for c in certified[5:]:
        row(c, nik=c.nik, nik_date=NIK_DATE)
        drift.consistent.append(c.id)
    nik_differs, len_differs, name_differs, no_nik = certified[:4]
    row(nik_differs, nik=OTHER_NIK, nik_date=NIK_DATE)
    drift.nik_differs = nik_differs.id
    row(len_differs, nik=len_differs.nik, number="999/BH/LAIN/2001", nik_date=NIK_DATE)
    drift.len_differs = len_differs.id
    row(name_differs, nik=name_differs.nik, name="Koperasi Nama Lain Sama Sekali")
    drift.name_differs = name_differs.id
    row(no_nik)
    drift.no_nik_in_ods = no_nik.id
    # certified[4] is left out: certified here, missing in ODS.
    drift.missing_in_ods.append(certified[4].id)
    # Entered in ODS here.
    nik_ahead, draft, variant_row, *rest = entered
    row(nik_ahead, nik="6501990000000001", nik_date=NIK_DATE)
    drift.nik_ahead = nik_ahead.id
    row(draft, status="Draft")
    drift.draft_in_ods = draft.id
    drift.rows.append(
        [
            "",
            variant(variant_row.name),
            label.upper(),
            "",
            "",
            ODS_DATE,
            "",
            "",
            "",
        ]
    )
    drift.by_name_variant = variant_row.id
    for c in rest[:2]:
        row(c)
        drift.consistent.append(c.id)
    drift.missing_in_ods += [c.id for c in rest[2:]]
    # Behind here.
    row(received[0])
    drift.entry_ahead = received[0].id
    row(received[1], nik="6501990000000002", nik_date=NIK_DATE)
    drift.two_ahead = received[1].id
    row(held[0], nik="6501990000000003", nik_date=NIK_DATE)
    drift.too_far_ahead = held[0].id
    # Only in ODS: a new cooperative, and a misspelt one that resembles an omitted one.
    drift.rows.append(["", drift.new_name, label, "", "Tanjung Selor", ODS_DATE, "", "", ""])
    similar = held[1]
    drift.rows.append(["", misspell(similar.name), label, "", "", ODS_DATE, "", "", ""])
    drift.similar_to = similar.id
    listed = {
        drift.nik_differs,
        drift.len_differs,
        drift.name_differs,
        drift.no_nik_in_ods,
        drift.nik_ahead,
        drift.draft_in_ods,
        drift.by_name_variant,
        drift.entry_ahead,
        drift.two_ahead,
        drift.too_far_ahead,
        *drift.consistent,
        *drift.missing_in_ods,
    }
    drift.only_ppkl = [
        c.id
        for c in coops
        if c.id not in listed
        and c.stage
        not in (
            Stage.ODS_ENTERED,
            Stage.CERTIFIED,
        )
    ]
    drift.missing_in_ods += [
        c.id
        for c in coops
        if c.id not in listed and c.stage in (Stage.ODS_ENTERED, Stage.CERTIFIED)
    ]
    return drift


def misspell(name: str) -> str:
    """One letter of the last word doubled: close, but not the same name."""
    words = name.split()
    words[-1] = words[-1][:2] + words[-1][1:]
    return " ".join(words)


def as_csv(rows: list[list[str]], header=HEADER_ID) -> bytes:
    """As Indonesian Excel saves CSV: a BOM and semicolons."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(rows: list[list[str]], header=HEADER_ID) -> bytes:
    """With real dates and numbers where a spreadsheet has them."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        cells = list(values)
        for index in (5, 6):
            if cells[index]:
                cells[index] = date.fromisoformat(cells[index])
        if cells[7]:
            cells[7] = int(cells[7])
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
