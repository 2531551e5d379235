"""The directory backend: a folder, local or a volume every machine mounts (NFS and the like)."""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ppkl.storage.base import InvalidKey, NotStored, Storage, StoredObject, check_key, check_prefix

TEMP_SUFFIX = ".partial"


class DirectoryStorage(Storage):
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target, then renamed: atomic on one file system, shared or not.
        fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=TEMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                if isinstance(data, bytes | bytearray | memoryview):
                    handle.write(data)
                else:
                    shutil.copyfileobj(data, handle, 1024 * 1024)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
            raise NotStored(key) from error

    def stat(self, key: str) -> StoredObject:
        try:
            found = self.path(key).stat()
        except (FileNotFoundError, NotADirectoryError) as error:
            raise NotStored(key) from error
        if not os.path.isfile(self.path(key)):
            raise NotStored(key)
        return StoredObject(key, found.st_size, found.st_mtime)

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            self.path(key).unlink()

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        check_prefix(prefix)
        # Only the folder the prefix names can hold its keys: a pending/ sweep or one batch's
        # files never walk the rest of the area.
        within = prefix.rpartition("/")[0]
        start = self.root.joinpath(*within.split("/")) if within else self.root
        if not start.is_dir():
            return
        found = []
        for folder, subfolders, files in os.walk(start):
            subfolders[:] = [s for s in subfolders if not s.startswith(".")]
            base = Path(folder).relative_to(self.root)
            for name in files:
                if name.startswith("."):  # a write in progress
                    continue
                key = (base / name).as_posix() if base.parts else name
                if key.startswith(prefix):
                    found.append(key)
        for key in sorted(found):
            try:
                yield self.stat(key)
            except (NotStored, InvalidKey):  # removed meanwhile, or not one of ours
                continue

    def describe(self) -> str:
        return f"directory {self.root}"
