"""Hostile and broken XLSX files: refused with a clear message before they cost memory or time,
never a 500."""

import io
import zipfile

import pytest

from ppkl.transfer.tabular import FileRefused, Limits, read_table
from tests.helpers import csrf_token_from
from tests.test_import import xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def replace_member(data: bytes, name: str, chunks) -> bytes:
    """The workbook with one part's content replaced, written chunk by chunk."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        with target.open(zipfile.ZipInfo(name), "w", force_zip64=True) as part:
            part._compress_type = zipfile.ZIP_DEFLATED
            for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
                part.write(chunk)
    return out.getvalue()


def deflated(data: bytes, name: str, chunks) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info))
        with target.open(name, "w", force_zip64=True) as part:
            for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
                part.write(chunk)
    return out.getvalue()


def base_workbook() -> bytes:
    return xlsx_bytes([["name", "regency"], ["KSP Maju", "Bulungan"]])


def refusal(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(FileRefused) as caught:
        read_table("daftar.xlsx", data, limits or Limits())
    return caught.value.code


def test_a_shared_string_bomb_is_refused_before_parsing():
    huge = 64 * 1024 * 1024  # twice the default shared-strings limit
    body = (b"<si><t>" + b"A" * (1024 * 1024) + b"</t></si>" for _ in range(huge // 2**20))
    chunks = [f'<sst {NS} count="64" uniqueCount="64">'.encode(), *body, b"</sst>"]
    data = deflated(base_workbook(), STRINGS, iter(chunks))
    assert len(data) < 1024 * 1024  # small on the wire
    assert refusal(data) == "xlsx_too_big_unpacked"


def test_a_workbook_unpacking_past_the_total_limit_is_refused():
    data = deflated(base_workbook(), "xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    assert refusal(data, Limits(max_unpacked_bytes=2 * 1024 * 1024)) == "xlsx_too_big_unpacked"


def test_empty_rows_count_toward_the_row_limit():
    rows = [["name", "regency"]] + [[None, None]] * 150 + [["KSP Maju", "Bulungan"]]
    sheet = "".join(f'<row r="{n}"/>' for n in range(2, 200))
    data = replace_member(
        base_workbook(),
        SHEET,
        (
            f"<worksheet {NS}><sheetData>"
            '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
            f"{sheet}"
            '<row r="200"><c r="A200" t="inlineStr"><is><t>KSP</t></is></c></row>'
            "</sheetData></worksheet>"
        ).encode(),
    )
    assert refusal(data, Limits(max_rows=100)) == "too_many_rows"
    assert refusal(xlsx_bytes(rows), Limits(max_rows=100)) == "too_many_rows"


@pytest.mark.parametrize(
    ("member", "content"),
    [
        (SHEET, f"<worksheet {NS}><sheetData><row r='1'><c r='A1'>".encode()),
        (
            SHEET,
            b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
            + f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t>'
            "</is></c></row></sheetData></worksheet>".encode(),
        ),
        (
            SHEET,
            f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="s"><v>9999</v></c>'
            "</row></sheetData></worksheet>".encode(),
        ),
        (SHEET, b"\xff\xfe not xml at all"),
    ],
    ids=["unclosed tag", "entity declaration", "shared string out of range", "not xml"],
)
def test_malformed_workbooks_are_refused(member, content):
    assert refusal(replace_member(base_workbook(), member, content)) == "bad_xlsx"


def test_web_import_of_a_bomb_answers_with_the_message(app, client, make_user, auth):
    make_user("root", role="admin")
    auth.login(client, "root")
    data = deflated(base_workbook(), "xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    app.config["IMPORT_MAX_UNPACKED_BYTES"] = 2 * 1024 * 1024
    response = client.post(
        "/import/cooperatives",
        data={
            "csrf_token": csrf_token_from(client, "/import/cooperatives"),
            "file": (io.BytesIO(data), "daftar.xlsx"),
        },
    )
    assert response.status_code == 200
    assert "2097152" in response.get_data(as_text=True)
