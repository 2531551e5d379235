"""Certificate-like pictures for the tests: a page with a QR code (drawn by segno) or a Code 128
barcode (drawn by zxing-cpp's writer), rotated a few degrees and scaled down to a phone photo's
quality, saved as a JPEG."""

import io

import segno
import zxingcpp
from PIL import Image, ImageDraw

NIK = "6501010000123456"
OTHER_NIK = "6501010000654321"


def qr_code(text: str) -> Image.Image:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=4)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def code128(text: str) -> Image.Image:
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
    pixels = memoryview(zxingcpp.write_barcode_to_image(barcode, scale=4))
    height, width = pixels.shape
    return Image.frombuffer("L", (width, height), bytes(pixels), "raw", "L", 0, 1).convert("RGB")


def certificate(*codes: Image.Image, rotate: float = 3, scale: float = 0.5, kind="JPEG") -> bytes:
    """An A4-landscape-ish certificate with the codes along its foot, photographed askew."""
    page = Image.new("RGB", (1600, 1130), (250, 248, 240))
    draw = ImageDraw.Draw(page)
    draw.rectangle((40, 40, 1560, 1090), outline=(20, 40, 90), width=8)
    draw.text((560, 120), "SERTIFIKAT NOMOR INDUK KOPERASI", fill=(20, 40, 90))
    for line in range(6):  # lines of text stand-ins the decoder must ignore
        draw.line((200, 260 + 50 * line, 1400, 260 + 50 * line), fill=(90, 90, 90), width=3)
    for i, code in enumerate(codes):
        page.paste(code, (120 + 760 * i, 640))
    page = page.rotate(rotate, expand=True, fillcolor=(235, 235, 235), resample=Image.BICUBIC)
    page = page.resize((int(page.width * scale), int(page.height * scale)), Image.LANCZOS)
    out = io.BytesIO()
    page.save(out, kind, **({"quality": 70} if kind == "JPEG" else {}))
    return out.getvalue()


def minimal_pdf() -> bytes:
    """A tiny but complete one-page PDF (a scanner's output needs no rendering here)."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
