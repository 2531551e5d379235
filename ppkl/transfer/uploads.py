"""Uploaded import files kept between the preview and the supervisor's confirmation."""

import json
import logging
import re
import secrets
import time
from dataclasses import dataclass

from ppkl.storage.base import NotStored, Storage

log = logging.getLogger(__name__)

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
DEFAULT_MAX_AGE = 3600  # IMPORT_UPLOAD_MAX_AGE: the preview a supervisor confirms is fresh


@dataclass(frozen=True)
class PendingUpload:
    token: str
    user_id: int
    filename: str
    create_regencies: bool
    data: bytes
    rows: int = 0  # data rows the upload's check counted
    needs_reason: bool = False  # the check found rows that go back a stage or deactivate


class UploadStore:
    """Files named by a random token in the shared storage (the confirmation may reach another
    machine than the upload); the metadata says who uploaded them and when. An upload older
    than max_age seconds is never applied, and its files are removed."""

    def __init__(self, storage: Storage, max_age: int = DEFAULT_MAX_AGE):
        self.storage = storage
        self.max_age = max_age

    def save(
        self,
        user_id: int,
        filename: str,
        create_regencies: bool,
        data: bytes,
        rows: int = 0,
        needs_reason: bool = False,
    ) -> str:
        self.remove_stale()
        token = secrets.token_urlsafe(24)
        self.storage.put(f"{token}.data", data)
        meta = {
            "user_id": user_id,
            "filename": filename,
            "create_regencies": create_regencies,
            "saved_at": time.time(),
            "rows": rows,
            "needs_reason": needs_reason,
        }
        self.storage.put(f"{token}.json", json.dumps(meta).encode())
        return token

    def load(self, token: str, user_id: int) -> PendingUpload | None:
        """The upload, or None when absent, expired or someone else's."""
        self.remove_stale()
        if not TOKEN.fullmatch(token or ""):
            return None
        try:
            meta = json.loads(self.storage.get(f"{token}.json"))
            data = self.storage.get(f"{token}.data")
        except (NotStored, ValueError):
            return None
        if meta.get("user_id") != user_id:
            return None
        if not isinstance(meta.get("saved_at"), int | float) or self.expired(meta["saved_at"]):
            self.discard(token)
            return None
        return PendingUpload(
            token,
            user_id,
            meta["filename"],
            bool(meta["create_regencies"]),
            data,
            int(meta.get("rows") or 0),
            bool(meta.get("needs_reason")),
        )

    def discard(self, token: str) -> None:
        if TOKEN.fullmatch(token or ""):
            for suffix in (".data", ".json"):
                self.storage.delete(f"{token}{suffix}")

    def expired(self, saved_at: float) -> bool:
        return time.time() - saved_at > self.max_age

    def remove_stale(self) -> None:
        limit = time.time() - self.max_age
        for stored in list(self.storage.list()):
            if stored.modified < limit:
                try:
                    self.storage.delete(stored.key)
                except Exception:  # the next upload tries again
                    log.warning("could not remove stale upload %s", stored.key, exc_info=True)
