"""Stored photos carry no metadata: no EXIF, JPEG comment, ICC profile, XMP or PNG text."""

import io

import pytest
from PIL import Image, PngImagePlugin

from ppkl.visits.photos import clean_photo

SECRET = "Lokasi rumah: -2.8412, 117.3700"
# What Pillow reports for any JPEG it writes (the JFIF header): not metadata about the photo.
NEUTRAL = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}


def icc_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg_with_everything() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = SECRET  # ImageDescription
    Image.new("RGB", (40, 30), (10, 120, 40)).save(
        out, "JPEG", comment=SECRET.encode(), exif=exif.tobytes(), icc_profile=icc_profile()
    )
    return out.getvalue()


def png_with_everything(mode="RGB") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    info.add_itxt("Location", SECRET)
    out = io.BytesIO()
    image = Image.new(mode, (40, 30))
    image.save(out, "PNG", pnginfo=info, icc_profile=icc_profile())
    return out.getvalue()


@pytest.mark.parametrize(
    "original",
    [jpeg_with_everything(), png_with_everything(), png_with_everything("P")],
    ids=["jpeg", "png", "png-palette"],
)
def test_no_metadata_survives_cleaning(original):
    assert SECRET.encode() in original
    cleaned = clean_photo(io.BytesIO(original), "foto", 1_000_000).data
    assert SECRET.encode() not in cleaned
    reopened = Image.open(io.BytesIO(cleaned))
    assert set(reopened.info) <= NEUTRAL
    assert not reopened.getexif()
