"""Reading the NIK from a certificate's QR code or barcode (zxing-cpp, on the server)."""

import pytest

from ppkl.certification.codes import Reading, niks_in, read_nik
from tests.certificate_images import NIK, OTHER_NIK, certificate, code128, minimal_pdf, qr_code

PATTERN = r"\d{16}"


@pytest.mark.parametrize(
    "picture",
    [
        pytest.param(lambda: certificate(qr_code(NIK)), id="qr-nik-alone"),
        pytest.param(
            lambda: certificate(
                qr_code(f"https://sertifikat.example.go.id/verifikasi?nik={NIK}&terbit=20260315"),
                rotate=-4,
                scale=0.4,
            ),
            id="qr-verification-url",
        ),
        pytest.param(lambda: certificate(code128(NIK), rotate=2), id="code128"),
        pytest.param(lambda: certificate(code128(f"NIK:{NIK}"), rotate=-3), id="code128-text"),
        pytest.param(lambda: certificate(qr_code(NIK), code128(NIK)), id="two-codes-same-nik"),
    ],
)
def test_the_nik_is_read_from_a_phone_photo_of_the_certificate(picture):
    reading = read_nik(picture(), "image/jpeg", PATTERN)
    assert reading.status == Reading.FOUND
    assert reading.nik == NIK


def test_a_png_scan_is_read_too():
    reading = read_nik(certificate(qr_code(NIK), rotate=0, kind="PNG"), "image/png", PATTERN)
    assert (reading.status, reading.nik) == (Reading.FOUND, NIK)


def test_a_picture_without_a_code_says_so():
    assert read_nik(certificate(), "image/jpeg", PATTERN).status == Reading.NO_CODE


def test_a_code_holding_no_nik_says_so():
    reading = read_nik(
        certificate(qr_code("https://example.go.id/koperasi")), "image/jpeg", PATTERN
    )
    assert reading.status == Reading.NO_NIK
    assert reading.nik is None and reading.texts == ("https://example.go.id/koperasi",)


def test_two_codes_with_different_niks_are_not_guessed_between():
    picture = certificate(qr_code(NIK), code128(OTHER_NIK))
    reading = read_nik(picture, "image/jpeg", PATTERN)
    assert reading.status == Reading.SEVERAL_NIKS and reading.nik is None


def test_pdf_and_damaged_pictures_are_not_read():
    assert read_nik(minimal_pdf(), "application/pdf", PATTERN).status == Reading.NOT_READ
    damaged = certificate(qr_code(NIK))[:400]
    assert read_nik(damaged, "image/jpeg", PATTERN).status == Reading.NOT_READ


def test_the_nik_is_a_whole_number_matching_the_configured_pattern():
    assert niks_in(f"nik={NIK}&t=20260101", PATTERN) == [NIK]
    assert niks_in(f"id=1{NIK}", PATTERN) == []  # 17 digits hold no 16-digit NIK
    assert niks_in(f"{NIK} {NIK}", PATTERN) == [NIK]
    assert niks_in("https://x.example/?n=KOP-1234&y=2026", r"KOP-\d{4}") == ["KOP-1234"]
    assert niks_in("KOP-12345", r"KOP-\d{4}") == []
