"""A small streaming XLSX writer: one sheet, bold header, widths, frozen header, number and date
formats. openpyxl (which reads the imports) writes about 1,300 rows a second here and
XlsxWriter's constant-memory mode about 7,700; this writes the same workbook at about 50,000,
in constant memory: the sheet is compressed into the output as the rows come
(docs/decisions.md, figures in docs/performance.md)."""

import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO
from xml.sax.saxutils import escape

EPOCH = date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk already counted)
DATE_FORMAT = "yyyy-mm-dd"
# style index in cellXfs for each number format; 0 is the default, 1 the bold header.
STYLES = {"0": 2, "#,##0": 3, "0.00": 4, DATE_FORMAT: 5}
# Rows held before they are compressed into the output: memory stays flat whatever the rows.
FLUSH_ROWS = 500
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
STYLESHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def text_cell(ref: str, value: str, style: int = 0) -> str:
    value = escape(_ILLEGAL_XML.sub("", value))
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def cell(ref: str, value, style: int) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return text_cell(ref, value)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="{STYLES[DATE_FORMAT]}"><v>{(value - EPOCH).days}</v></c>'
    if isinstance(value, int | float | Decimal):
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return text_cell(ref, str(value))


def write_workbook(
    out: BinaryIO,
    title: str,
    headers: list[str],
    widths: list[int],
    formats: list[str | None],
    rows: Iterable[tuple],
) -> int:
    """Write the workbook into `out` and return the number of data rows. The rows' values are
    written as they are: the caller neutralises formula-like text."""
    letters = [column_letter(i) for i in range(len(headers))]
    styles = [STYLES.get(f, 0) if f else 0 for f in formats]
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml", WORKBOOK.format(name=escape(title[:31], {'"': "&quot;"}))
        )
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLESHEET)
        # The sheet's size is not known in advance; zip64 keeps very large sheets valid.
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            parts = [sheet_head(letters, headers, widths)]
            for count, row in enumerate(rows, start=1):
                number = count + 1
                parts.append(f'<row r="{number}">')
                parts += [
                    cell(f"{c}{number}", v, s) for c, v, s in zip(letters, row, styles, strict=True)
                ]
                parts.append("</row>")
                if count % FLUSH_ROWS == 0:
                    sheet.write("".join(parts).encode("utf-8"))
                    parts.clear()
            parts.append("</sheetData></worksheet>")
            sheet.write("".join(parts).encode("utf-8"))
    return count


def sheet_head(letters: list[str], headers: list[str], widths: list[int]) -> str:
    """The sheet up to and including the bold header row."""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    header = "".join(text_cell(f"{c}1", h, 1) for c, h in zip(letters, headers, strict=True))
    return f'{SHEET_START}<cols>{cols}</cols><sheetData><row r="1">{header}</row>'
