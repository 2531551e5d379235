"""Which storage the settings choose, per area, and serving a stored file to a user.

STORAGE_BACKEND "directory" keeps each area in a folder under STORAGE_DIR (default: the
instance folder, so the layout is the one ppkl always had: instance/visit-photos, ...); an
area's own *_DIR setting, when set, still names its folder. "s3" keeps each area under
S3_PREFIX + area name + "/" in S3_BUCKET.
"""

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, current_app, send_file

from ppkl.storage.base import InvalidKey, NotStored, Storage
from ppkl.storage.directory import DirectoryStorage
from ppkl.storage.s3 import S3Storage, make_client

BACKENDS = ("directory", "s3")
CLIENT_SETTINGS = ("S3_ENDPOINT_URL", "S3_REGION", "S3_ADDRESSING_STYLE")
_clients: dict = {}
_clients_lock = threading.Lock()


@dataclass(frozen=True)
class Area:
    """A kind of stored file: its folder or prefix, the older setting naming its folder, and
    whether a backup must hold it (a cache can be made again)."""

    name: str
    folder_setting: str
    backed_up: bool = True


VISIT_PHOTOS = Area("visit-photos", "VISIT_PHOTO_DIR")  # visit photos, pending ones too
CERTIFICATES = Area("certificates", "CERTIFICATE_DIR")  # certificate documents, pending/
REPORT_CACHE = Area("report-cache", "REPORT_CACHE_DIR", backed_up=False)  # officer PDFs again
REPORT_JOBS = Area("report-jobs", "REPORT_JOB_DIR")  # batch PDFs and their ZIP files
IMPORTS = Area("imports", "IMPORT_UPLOAD_DIR")  # import files waiting for confirmation
AREAS = (VISIT_PHOTOS, CERTIFICATES, REPORT_CACHE, REPORT_JOBS, IMPORTS)


def configuration_problem(config) -> str | None:
    """Why these settings cannot work, for the app factory to refuse to start."""
    backend = config.get("STORAGE_BACKEND")
    if backend not in BACKENDS:
        return f"STORAGE_BACKEND {backend!r} is not one of {', '.join(BACKENDS)}"
    if backend == "s3" and not config.get("S3_BUCKET"):
        return "STORAGE_BACKEND 's3' needs S3_BUCKET"
    return None


def storage_for(area: Area, app: Flask | None = None) -> Storage:
    """The area's storage under the current settings (read on each call: tests change them)."""
    app = app or current_app
    config = app.config
    if config["STORAGE_BACKEND"] == "s3":
        prefix = bucket_prefix(config) + area.name + "/"
        return S3Storage(s3_client(app), config["S3_BUCKET"], prefix)
    folder = config.get(area.folder_setting)
    if folder:
        return DirectoryStorage(folder)
    return DirectoryStorage(Path(config.get("STORAGE_DIR") or app.instance_path) / area.name)


def bucket_prefix(config) -> str:
    prefix = (config.get("S3_PREFIX") or "").strip("/")
    return prefix + "/" if prefix else ""


def s3_client(app: Flask):
    """One client per process and settings: boto3 clients are thread-safe, and making one
    reads the service description (a second or more). Keyed by process id too, so a forked
    worker never shares its parent's connections."""
    settings = tuple(app.config.get(name) for name in CLIENT_SETTINGS)
    key = (os.getpid(), settings)
    with _clients_lock:
        if key not in _clients:
            _clients[key] = make_client(*settings)
        return _clients[key]


def send(store: Storage, key: str, mimetype: str, download_name: str | None = None):
    """A stored file streamed through the app, after the view's own access checks: no
    storage URL is ever handed out. 404 when the file is gone."""
    try:
        handle, size = store.open_sized(key)
    except (NotStored, InvalidKey):
        abort(404)
    response = send_file(
        handle,
        mimetype=mimetype,
        as_attachment=download_name is not None,
        download_name=download_name,
        conditional=False,
        etag=False,
    )
    response.content_length = size
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
