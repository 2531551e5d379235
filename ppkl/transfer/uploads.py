"""Uploaded import files kept between the preview and the supervisor's confirmation."""

import json
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PendingUpload:
    token: str
    user_id: int
    filename: str
    create_regencies: bool
    data: bytes


class UploadStore:
    """Files named by a random token; the metadata says who uploaded them."""

    def __init__(self, directory: Path):
        self.directory = directory

    def save(self, user_id: int, filename: str, create_regencies: bool, data: bytes) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.remove_stale()
        token = secrets.token_urlsafe(24)
        (self.directory / f"{token}.data").write_bytes(data)
        meta = {"user_id": user_id, "filename": filename, "create_regencies": create_regencies}
        (self.directory / f"{token}.json").write_text(json.dumps(meta))
        return token

    def load(self, token: str, user_id: int) -> PendingUpload | None:
        """The upload, or None when absent, expired or someone else's."""
        meta_path = self.directory / f"{token}.json"
        try:
            meta = json.loads(meta_path.read_text())
            data = (self.directory / f"{token}.data").read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("user_id") != user_id:
            return None
        return PendingUpload(token, user_id, meta["filename"], bool(meta["create_regencies"]), data)

    def discard(self, token: str) -> None:
        for suffix in (".data", ".json"):
            (self.directory / f"{token}{suffix}").unlink(missing_ok=True)

    def remove_stale(self) -> None:
        limit = time.time() - KEEP_SECONDS
        for path in self.directory.glob("*.*"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                log.warning("could not remove stale upload %s", path)
