"""Uploaded import files kept between the preview and the supervisor's confirmation."""

import json
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_MAX_AGE = 3600  # IMPORT_UPLOAD_MAX_AGE: the preview a supervisor confirms is fresh


@dataclass(frozen=True)
class PendingUpload:
    token: str
    user_id: int
    filename: str
    create_regencies: bool
    data: bytes


class UploadStore:
    """Files named by a random token; the metadata says who uploaded them and when. An upload
    older than max_age seconds is never applied, and its files are removed."""

    def __init__(self, directory: Path, max_age: int = DEFAULT_MAX_AGE):
        self.directory = directory
        self.max_age = max_age

    def save(self, user_id: int, filename: str, create_regencies: bool, data: bytes) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.remove_stale()
        token = secrets.token_urlsafe(24)
        (self.directory / f"{token}.data").write_bytes(data)
        meta = {
            "user_id": user_id,
            "filename": filename,
            "create_regencies": create_regencies,
            "saved_at": time.time(),
        }
        (self.directory / f"{token}.json").write_text(json.dumps(meta))
        return token

    def load(self, token: str, user_id: int) -> PendingUpload | None:
        """The upload, or None when absent, expired or someone else's."""
        self.remove_stale()
        meta_path = self.directory / f"{token}.json"
        try:
            meta = json.loads(meta_path.read_text())
            data = (self.directory / f"{token}.data").read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("user_id") != user_id:
            return None
        if not isinstance(meta.get("saved_at"), int | float) or self.expired(meta["saved_at"]):
            self.discard(token)
            return None
        return PendingUpload(token, user_id, meta["filename"], bool(meta["create_regencies"]), data)

    def discard(self, token: str) -> None:
        for suffix in (".data", ".json"):
            (self.directory / f"{token}{suffix}").unlink(missing_ok=True)

    def expired(self, saved_at: float) -> bool:
        return time.time() - saved_at > self.max_age

    def remove_stale(self) -> None:
        limit = time.time() - self.max_age
        for path in self.directory.glob("*.*"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                log.warning("could not remove stale upload %s", path)
