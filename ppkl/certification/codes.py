"""The NIK read from a certificate's barcode or QR code, on the server, with no network.

zxing-cpp decodes (QR, Data Matrix, PDF417, Code 128 and the other common symbologies; its
wheels carry the native library, so nothing is installed beside pip). What a code holds may be
the NIK alone, or a verification URL or text containing it: the NIK is the one value in it
that matches the configured NIK pattern (NIK_PATTERN) and is not part of a longer number.
The reading only prefills the form; nothing is recorded until the user confirms. No Flask.
"""

import io
import logging
import re
import warnings
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageOps

log = logging.getLogger(__name__)


class Reading(StrEnum):
    FOUND = "found"  # one NIK, in one or more codes
    NO_CODE = "no_code"  # no code could be read in the picture
    NO_NIK = "no_nik"  # codes were read, none holds a NIK
    SEVERAL_NIKS = "several_niks"  # the codes hold different NIKs: the user must choose
    NOT_READ = "not_read"  # a PDF, or a picture the decoder could not open


@dataclass(frozen=True)
class CodeReading:
    status: Reading
    nik: str | None = None
    texts: tuple[str, ...] = ()


def niks_in(text: str, pattern: str) -> list[str]:
    """The distinct values in text that match the NIK pattern and are not part of a longer
    number (a 17-digit id holds no 16-digit NIK), in order of appearance."""
    found = []
    for match in re.finditer(rf"(?<!\d)(?:{pattern})(?!\d)", text):
        if match.group() not in found:
            found.append(match.group())
    return found


def decode(image: Image.Image) -> list[str]:
    """The texts of the codes zxing-cpp finds in image (an empty list when there is none)."""
    import zxingcpp

    image = ImageOps.exif_transpose(image).convert("L")
    try:
        results = zxingcpp.read_barcodes(image)
    except (RuntimeError, ValueError) as error:  # a decoder failure is "not read", never a 500
        log.warning("barcode decoder failed: %s", error)
        return []
    return [r.text for r in results if r.valid and r.text]


def read_nik(data: bytes, content_type: str, pattern: str) -> CodeReading:
    """Read the codes of a cleaned certificate picture and find the NIK they hold."""
    if not content_type.startswith("image/"):
        return CodeReading(Reading.NOT_READ)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return CodeReading(Reading.NOT_READ)
    texts = tuple(decode(image))
    if not texts:
        return CodeReading(Reading.NO_CODE)
    niks = []
    for text in texts:
        niks += [n for n in niks_in(text, pattern) if n not in niks]
    if not niks:
        return CodeReading(Reading.NO_NIK, texts=texts)
    if len(niks) > 1:
        return CodeReading(Reading.SEVERAL_NIKS, texts=texts)
    return CodeReading(Reading.FOUND, niks[0], texts)
