"""Visit photos: content checked with Pillow, re-encoded without EXIF/location, then stored in
the installation's shared storage (ppkl.storage)."""

import io
import logging
import secrets
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

from ppkl.domain import FieldError
from ppkl.storage.base import Storage

log = logging.getLogger(__name__)

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


class PhotoError(FieldError):
    """A refused photo; `filename` names it for the message."""

    def __init__(self, code: str, filename: str = ""):
        super().__init__("photos", code, filename=filename)
        self.filename = filename


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    extension: str


def clean_photo(stream, filename: str, max_bytes: int) -> CleanPhoto:
    """Read at most max_bytes, check it is really a JPEG or PNG, and drop its metadata."""
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise PhotoError("too_large", filename)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            kind = image.format
            if kind not in FORMATS:
                raise PhotoError("wrong_type", filename)
            image.load()
            # Turn the picture upright before the orientation tag goes with the rest of EXIF.
            image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, PhotoError):
            raise
        raise PhotoError("not_an_image", filename) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError("not_an_image", filename) from error
    content_type, extension = FORMATS[kind]
    out = io.BytesIO()
    if kind == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")  # a palette's transparency lives in info, emptied below
    # Pillow writes back what it read into info (JPEG comment, ICC profile, XMP, PNG text):
    # a photo is stored with its pixels only.
    image.info = {}
    if kind == "JPEG":
        image.save(out, "JPEG", quality=85)
    else:
        image.save(out, "PNG")
    return CleanPhoto(out.getvalue(), content_type, extension)


@dataclass
class PhotoStore:
    """Where photos go, and what this request wrote (so a rollback can remove it)."""

    storage: Storage
    written: list[str] = field(default_factory=list)


def store(photo: CleanPhoto, storage: Storage) -> str:
    """Store the photo under a random name; returns that name."""
    name = f"{secrets.token_hex(16)}.{photo.extension}"
    storage.put(name, photo.data)
    return name


def discard(names: list[str], storage: Storage) -> None:
    """Remove stored files whose database rows were rolled back."""
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # an orphan file costs space only; the request has its answer
            log.warning("could not remove orphan photo %s", name, exc_info=True)
