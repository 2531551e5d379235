"""The ODS extract's columns: every header alias ppkl understands, in this one place.

Headers are compared after ppkl.transfer.columns.normalise_header (case, spaces, `_`, `.`, `/`
do not count), so `Nomor Badan Hukum`, `nomor_badan_hukum` and `NOMOR BADAN HUKUM` are one
column. docs/ods.md lists the same table for the office.
"""

from ppkl.transfer.columns import normalise_header

ALIASES: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "nomor_induk_koperasi", "no_induk_koperasi", "no_nik", "nomor_nik"),
    "name": ("name", "nama_koperasi", "nama", "cooperative_name", "koperasi"),
    "regency": ("regency", "kabupaten_kota", "kabupaten", "kota", "kab_kota", "kabkota"),
    "legal_entity_number": (
        "legal_entity_number",
        "nomor_badan_hukum",
        "no_badan_hukum",
        "badan_hukum",
        "no_bh",
        "nbh",
    ),
    "district": ("district", "kecamatan"),
    "ods_date": (
        "ods_date",
        "tanggal_input",
        "tgl_input",
        "tanggal_update",
        "tgl_update",
        "tanggal_pembaruan",
        "tanggal_entri",
        "terakhir_diperbarui",
        "last_update",
        "updated_at",
    ),
    "nik_issued_on": (
        "nik_issued_on",
        "tanggal_nik",
        "tgl_nik",
        "tanggal_terbit_nik",
        "tanggal_sertifikat",
    ),
    "last_rat_year": (
        "last_rat_year",
        "tahun_rat",
        "tahun_rat_terakhir",
        "tahun_buku_rat",
        "tahun_buku",
    ),
    "ods_status": ("ods_status", "status", "status_ods", "status_data"),
}
FIELDS: tuple[str, ...] = tuple(ALIASES)
# A row can be matched by any one of these; the header must offer at least one.
MATCH_KEYS: tuple[tuple[str, ...], ...] = (("nik",), ("legal_entity_number",), ("name", "regency"))
HEADER_FIELDS: dict[str, str] = {
    normalise_header(alias): name for name, aliases in ALIASES.items() for alias in aliases
}
# ODS statuses meaning the data is not (yet) accepted there: such a row does not count as
# "entered in ODS". Compared case-folded, without spaces or punctuation.
NOT_ENTERED_STATUSES = frozenset(
    {"draft", "konsep", "belumlengkap", "belumvalid", "ditolak", "rejected", "incomplete"}
)


def field_for_header(header: str) -> str | None:
    return HEADER_FIELDS.get(normalise_header(header))
