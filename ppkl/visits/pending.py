"""Photos kept across a form that was not saved: a validation error, a refusal, a removal.

Each accepted upload is stored at once as a PendingPhoto owned by the officer and named in the
form by a token; the page shows it as a thumbnail that can be removed. Saving the visit adopts
the file as a VisitPhoto (the file stays where it is); pending photos older than a day are
abandoned and removed with their files.
"""

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from ppkl.extensions import db
from ppkl.models import PendingPhoto, User, Visit, VisitPhoto
from ppkl.storage.base import Storage
from ppkl.visits.photos import PhotoError, clean_photo, discard, store

log = logging.getLogger(__name__)

KEEP = timedelta(days=1)


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int
    max_count: int


@dataclass
class KeptPhotos:
    """The pending photos a form carries, and the first refusal among the new uploads."""

    photos: list[PendingPhoto] = field(default_factory=list)
    error: PhotoError | None = None

    @property
    def tokens(self) -> list[str]:
        return [p.token for p in self.photos]


def load_pending(user: User, tokens: Sequence[str]) -> list[PendingPhoto]:
    """The user's pending photos among these tokens, in the order given (others ignored)."""
    wanted = [t for t in dict.fromkeys(tokens) if t][:50]
    if not wanted:
        return []
    rows = db.session.scalars(
        select(PendingPhoto).where(PendingPhoto.user_id == user.id, PendingPhoto.token.in_(wanted))
    ).all()
    by_token = {r.token: r for r in rows}
    return [by_token[t] for t in wanted if t in by_token]


def drop_pending(photos: Sequence[PendingPhoto], storage: Storage) -> None:
    """Forget pending photos and their files (the caller commits)."""
    for photo in photos:
        db.session.delete(photo)
    db.session.flush()
    discard([p.stored_name for p in photos], storage)


def purge_abandoned(storage: Storage, now: datetime) -> int:
    """Remove pending photos older than KEEP, with their files."""
    old = db.session.scalars(select(PendingPhoto).where(PendingPhoto.created_at < now - KEEP)).all()
    if old:
        drop_pending(old, storage)
        log.info("removed %s abandoned pending photos", len(old))
    return len(old)


def keep_uploads(
    user: User,
    tokens: Sequence[str],
    remove: Sequence[str],
    uploads: Sequence,
    storage: Storage,
    limits: PhotoLimits,
    now: datetime,
    already_saved: int = 0,
) -> KeptPhotos:
    """The form's pending photos after removals, plus every acceptable new upload stored as
    pending. A refused upload is named in .error; the others are kept all the same. The caller
    commits, so the kept photos outlive whatever happens to the rest of the form."""
    kept = KeptPhotos(load_pending(user, tokens))
    gone = [p for p in kept.photos if p.token in set(remove)]
    if gone:
        drop_pending(gone, storage)
        kept.photos = [p for p in kept.photos if p not in gone]
    files = [f for f in uploads if getattr(f, "filename", "")]
    if files:
        purge_abandoned(storage, now)
    for upload in files:
        if already_saved + len(kept.photos) >= limits.max_count:
            kept.error = PhotoError("too_many_photos")
            break
        try:
            photo = clean_photo(upload.stream, upload.filename, limits.max_bytes)
        except PhotoError as error:
            kept.error = kept.error or error
            continue
        name = store(photo, storage)
        pending = PendingPhoto(
            token=secrets.token_urlsafe(24),
            user_id=user.id,
            stored_name=name,
            content_type=photo.content_type,
            size=len(photo.data),
            created_at=now,
        )
        db.session.add(pending)
        kept.photos.append(pending)
    db.session.flush()
    return kept


def adopt(visit: Visit, photos: Sequence[PendingPhoto]) -> None:
    """Make pending photos the visit's own (same files); the caller commits."""
    for photo in photos:
        db.session.add(
            VisitPhoto(
                visit_id=visit.id,
                stored_name=photo.stored_name,
                content_type=photo.content_type,
                size=photo.size,
            )
        )
        db.session.delete(photo)
    db.session.flush()
