"""The cooperative file's columns: header aliases and the values a spreadsheet may hold."""

import re

from ppkl.workflow import Stage

FIELDS: tuple[str, ...] = (
    "name",
    "regency",
    "district",
    "address",
    "legal_entity_number",
    "nik",
    "sector",
    "members",
    "active",
    "stage",
    "province",
)
REQUIRED: tuple[str, ...] = ("name", "regency")
# The office's header names (docs/import-export.md), plus the headers of ppkl's own XLSX
# export in both languages.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("nama_koperasi", "cooperative_name"),
    "regency": ("kabupaten_kota",),
    "district": ("kecamatan",),
    "address": ("alamat",),
    "legal_entity_number": ("no_badan_hukum", "nomor_badan_hukum"),
    "nik": (),
    "sector": ("jenis",),
    "members": ("jumlah_anggota",),
    "active": ("status",),
    "stage": ("tahap",),
    "province": ("provinsi", "nama_provinsi", "kode_provinsi"),
}
# Spreadsheet words for the status column, compared after normalise_word().
ACTIVE_WORDS = {
    **dict.fromkeys(("aktif", "yes", "ya", "1", "true", "active"), True),
    **dict.fromkeys(("tidakaktif", "nonaktif", "no", "tidak", "0", "false", "inactive"), False),
}
# The office writes stages as the Indonesian labels shown in ppkl (ppkl/i18n.py), the English
# labels of the English interface, or the keys.
STAGE_LABELS_ID = {
    Stage.NOT_STARTED: "Belum mulai",
    Stage.RAT_HELD: "RAT terlaksana",
    Stage.REPORT_RECEIVED: "Laporan RAT diterima",
    Stage.ODS_ENTERED: "Sudah input ODS",
    Stage.CERTIFIED: "Tersertifikasi (NIK)",
}
STAGE_LABELS_EN = {
    Stage.NOT_STARTED: "Not started",
    Stage.RAT_HELD: "RAT held",
    Stage.REPORT_RECEIVED: "RAT report received",
    Stage.ODS_ENTERED: "Entered in ODS",
    Stage.CERTIFIED: "Certified (NIK)",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_HEADER_NOISE = re.compile(r"[\s_./]+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_header(text: str) -> str:
    """`Kabupaten/Kota`, `kabupaten_kota` and `KABUPATEN KOTA` are one column."""
    return _HEADER_NOISE.sub("", text.strip().lstrip("\ufeff").casefold())


def normalise_word(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


HEADER_FIELDS: dict[str, str] = {
    normalise_header(alias): name for name, aliases in ALIASES.items() for alias in (name, *aliases)
}
STAGE_WORDS: dict[str, Stage] = {
    normalise_word(word): stage
    for stage in Stage
    for word in (stage.value, STAGE_LABELS_ID[stage], STAGE_LABELS_EN[stage])
}


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP advice)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unneutralise(value: str) -> str:
    """Undo neutralise() on import, so an exported file imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
