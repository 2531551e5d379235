"""The storage interface: the same contract on the directory and the S3 backend (moto's server),
and the settings that choose between them."""

import io
import time
from pathlib import Path

import pytest

from ppkl import InvalidConfiguration, create_app
from ppkl.storage.app import CERTIFICATES, REPORT_CACHE, REPORT_JOBS, VISIT_PHOTOS, storage_for
from ppkl.storage.base import InvalidKey, NotStored
from ppkl.storage.directory import DirectoryStorage
from ppkl.storage.s3 import S3Storage


@pytest.fixture(params=["directory", "s3"])
def storage(request, tmp_path):
    if request.param == "directory":
        return DirectoryStorage(tmp_path / "files")
    settings = request.getfixturevalue("s3_storage_settings")
    return S3Storage(request.getfixturevalue("s3_client"), settings["S3_BUCKET"], "ppkl/area/")


def test_bytes_and_streams_round_trip(storage):
    storage.put("a.jpg", b"photo")
    big = bytes(range(256)) * 40_000  # 10 MB: S3 takes it in parts
    storage.put("job/b.zip", io.BytesIO(big))
    assert storage.get("a.jpg") == b"photo"
    with storage.open("job/b.zip") as handle:
        assert handle.read(4) == big[:4]
        assert handle.read() == big[4:]
    handle, size = storage.open_sized("job/b.zip")
    handle.close()
    assert size == len(big) and storage.stat("a.jpg").size == 5


def test_overwrite_replaces_the_whole_file(storage):
    storage.put("r.pdf", b"x" * 1000)
    storage.put("r.pdf", b"short")
    assert storage.get("r.pdf") == b"short"


def test_absent_files(storage):
    assert not storage.exists("none.jpg")
    for read in (storage.get, storage.open, storage.stat, storage.open_sized):
        with pytest.raises(NotStored):
            read("none.jpg")
    with pytest.raises(NotStored):
        storage.copy("none.jpg", "other.jpg")
    storage.delete("none.jpg")  # nothing to do, no error


def test_delete_exists_and_copy(storage):
    storage.put("pending/p.pdf", b"%PDF-1.4")
    storage.copy("pending/p.pdf", "kept.pdf")
    assert storage.exists("kept.pdf") and storage.exists("pending/p.pdf")
    storage.delete("pending/p.pdf")
    assert not storage.exists("pending/p.pdf") and storage.get("kept.pdf") == b"%PDF-1.4"


def test_list_by_prefix_in_key_order(storage):
    for key in ("officer-2_b.pdf", "officer-1_a.pdf", "officer-1_b.pdf", "job/x.pdf", "job.zip"):
        storage.put(key, key.encode())
    before = time.time() - 60
    found = list(storage.list("officer-1_"))
    assert [s.key for s in found] == ["officer-1_a.pdf", "officer-1_b.pdf"]
    assert found[0].size == len(b"officer-1_a.pdf") and found[0].modified > before
    assert [s.key for s in storage.list("job/")] == ["job/x.pdf"]
    assert [s.key for s in storage.list("job/x")] == ["job/x.pdf"]
    assert list(storage.list("nothing/here/")) == []
    assert [s.key for s in storage.list()] == [
        "job.zip",
        "job/x.pdf",
        "officer-1_a.pdf",
        "officer-1_b.pdf",
        "officer-2_b.pdf",
    ]


@pytest.mark.parametrize(
    "key", ["", "../x", "a/../b", "/etc/passwd", "a//b", ".hidden", "a/.b", "a\\b", "a b", "é.jpg"]
)
def test_keys_outside_the_rule_are_refused(storage, key):
    for call in (storage.get, storage.exists, storage.delete, lambda k: storage.put(k, b"")):
        with pytest.raises(InvalidKey):
            call(key)


def test_a_directory_write_never_shows_a_part(tmp_path):
    storage = DirectoryStorage(tmp_path)

    class Broken(io.BytesIO):
        def read(self, *args):
            if self.tell():
                raise OSError("disk gone")
            return super().read(4)

    storage.put("a.pdf", b"old")
    with pytest.raises(OSError):
        storage.put("a.pdf", Broken(b"new content"))
    assert storage.get("a.pdf") == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]  # no partial file left
    (tmp_path / ".x.partial").write_bytes(b"in progress elsewhere")
    assert [s.key for s in storage.list()] == ["a.pdf"]


def test_the_directory_backend_keeps_the_layout_ppkl_always_had(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "STORAGE_DIR": str(tmp_path)})
    with app.app_context():
        storage_for(VISIT_PHOTOS).put("a.jpg", b"1")
        storage_for(CERTIFICATES).put("pending/b.pdf", b"2")
    assert (tmp_path / "visit-photos" / "a.jpg").read_bytes() == b"1"
    assert (tmp_path / "certificates" / "pending" / "b.pdf").read_bytes() == b"2"
    # An area's own folder setting still wins; unset, the instance folder is the default.
    app.config.update(VISIT_PHOTO_DIR=str(tmp_path / "elsewhere"), STORAGE_DIR=None)
    with app.app_context():
        assert storage_for(VISIT_PHOTOS).root == tmp_path / "elsewhere"
        assert storage_for(REPORT_JOBS).root == Path(app.instance_path) / "report-jobs"


def test_the_s3_backend_keeps_each_area_under_the_prefix(s3_storage_settings, s3_client):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **s3_storage_settings})
    with app.app_context():
        storage_for(VISIT_PHOTOS).put("a.jpg", b"1")
        storage_for(CERTIFICATES).put("pending/b.pdf", b"2")
        assert storage_for(VISIT_PHOTOS).describe() == (
            f"s3://{s3_storage_settings['S3_BUCKET']}/ppkl/visit-photos/"
        )
    listed = s3_client.list_objects_v2(Bucket=s3_storage_settings["S3_BUCKET"])["Contents"]
    assert sorted(o["Key"] for o in listed) == [
        "ppkl/certificates/pending/b.pdf",
        "ppkl/visit-photos/a.jpg",
    ]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND 'ftp' is not one of directory, s3"),
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND 's3' needs S3_BUCKET"),
    ],
)
def test_settings_that_cannot_work_stop_the_app(settings, message):
    with pytest.raises(InvalidConfiguration, match=message):
        create_app({"TESTING": True, "SECRET_KEY": "x", **settings})


def test_storage_backup_moves_an_installation_from_a_folder_to_a_bucket(
    tmp_path, s3_storage_settings, s3_client
):
    base = {"TESTING": True, "SECRET_KEY": "x"}
    folder = create_app({**base, "STORAGE_DIR": str(tmp_path / "files")})
    with folder.app_context():
        storage_for(VISIT_PHOTOS).put("a.jpg", b"photo")
        storage_for(CERTIFICATES).put("pending/b.pdf", b"%PDF")
        storage_for(REPORT_CACHE).put("officer-1_x.pdf", b"cache")
    check = folder.test_cli_runner().invoke(args=["storage", "check"])
    assert check.exit_code == 0 and f"visit-photos: directory {tmp_path}" in check.output
    backup = folder.test_cli_runner().invoke(args=["storage", "backup", str(tmp_path / "f.tar")])
    assert backup.exit_code == 0 and "2 files written" in backup.output, backup.output
    again = folder.test_cli_runner().invoke(args=["storage", "backup", str(tmp_path / "f.tar")])
    assert again.exit_code != 0 and "exists already" in again.output

    bucket = create_app({**base, **s3_storage_settings})
    restore = bucket.test_cli_runner().invoke(args=["storage", "restore", str(tmp_path / "f.tar")])
    assert restore.exit_code == 0 and "2 files restored" in restore.output, restore.output
    with bucket.app_context():
        assert storage_for(VISIT_PHOTOS).get("a.jpg") == b"photo"
        assert storage_for(CERTIFICATES).get("pending/b.pdf") == b"%PDF"
        assert not storage_for(REPORT_CACHE).exists("officer-1_x.pdf")  # made again anyway
    check = bucket.test_cli_runner().invoke(args=["storage", "check"])
    assert check.exit_code == 0 and "s3://" in check.output


def test_storage_restore_refuses_a_foreign_archive_before_writing(tmp_path):
    import tarfile

    with tarfile.open(tmp_path / "bad.tar", "w") as archive:
        for name in ("visit-photos/ok.jpg", "visit-photos/../../etc/x"):
            info = tarfile.TarInfo(name)
            archive.addfile(info, io.BytesIO(b""))
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "STORAGE_DIR": str(tmp_path / "files")})
    result = app.test_cli_runner().invoke(args=["storage", "restore", str(tmp_path / "bad.tar")])
    assert result.exit_code != 0 and "is not a stored file" in result.output
    assert not (tmp_path / "files").exists()
