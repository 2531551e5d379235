"""The storage interface: keys, the operations every backend offers, the one error."""

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

# A key is one or more "/"-separated names of letters, digits, ".", "_" and "-", none starting
# with a dot: it can name neither a parent folder nor a hidden file, on a disk or in a bucket.
KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}){0,7}")


class NotStored(LookupError):
    """No file under this key."""


class InvalidKey(ValueError):
    """A key outside the key rule (never built from user input unchecked)."""


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise InvalidKey(repr(key))
    return key


def check_prefix(prefix: str) -> str:
    """A prefix to list: empty, or a key, optionally ending with "/"."""
    if prefix:
        check_key(prefix.rstrip("/") if prefix.endswith("/") else prefix)
    return prefix


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: float  # seconds since the epoch


class Storage(ABC):
    """Bytes under keys. Each area gets its own Storage (a folder, or a prefix in a bucket), so
    its keys are short names like "3f2a....jpg" or "job-id/ppkl01.pdf"."""

    @abstractmethod
    def put(self, key: str, data: bytes | BinaryIO) -> None:
        """Store bytes, or a binary stream read to its end; a reader sees the old file or the
        new one, never a part."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A stream of the stored bytes (the caller closes it); NotStored when absent."""

    @abstractmethod
    def stat(self, key: str) -> StoredObject:
        """Size and time of a stored file; NotStored when absent."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove a file; nothing happens when it is absent."""

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        """The stored files whose keys start with prefix, in key order."""

    def open_sized(self, key: str) -> tuple[BinaryIO, int]:
        """A stream and its length (one request where the backend allows)."""
        size = self.stat(key).size
        return self.open(key), size

    def get(self, key: str) -> bytes:
        with self.open(key) as handle:
            return handle.read()

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except NotStored:
            return False
        return True

    def copy(self, source: str, target: str) -> None:
        with self.open(source) as handle:
            self.put(target, handle)

    def describe(self) -> str:
        """Where the files are, for log lines and the CLI (no secrets)."""
        return type(self).__name__
