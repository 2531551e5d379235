"""flask --app ppkl storage check|backup|restore: the shared storage from the command line.

`backup` writes every kept file of every area into one tar file, whatever the backend, and
`restore` puts them back: the same pair moves an installation from a folder to a bucket.
"""

import tarfile
import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from ppkl.storage.app import AREAS, storage_for
from ppkl.storage.base import InvalidKey, NotStored, check_key

PROBE = "ppkl-storage-check.txt"


def register(app: Flask) -> None:
    app.cli.add_command(storage_group)


@click.group("storage")
def storage_group():
    """The shared storage: photos, certificate files, report files, import files."""


@storage_group.command("check")
@with_appcontext
def check_command():
    """Write, read and remove a small file in every area; say where each one is."""
    for area in AREAS:
        storage = storage_for(area)
        data = f"ppkl {time.time()}".encode()
        try:
            storage.put(PROBE, data)
            if storage.get(PROBE) != data:
                raise click.ClickException(f"{area.name}: read back other bytes")
            storage.delete(PROBE)
        except (OSError, NotStored) as error:
            raise click.ClickException(f"{area.name} ({storage.describe()}): {error}") from error
        click.echo(f"{area.name}: {storage.describe()} ok")


@storage_group.command("backup")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-cache", is_flag=True, help="Include the report cache (made again anyway).")
@with_appcontext
def backup_command(output: Path, with_cache: bool):
    """Write every stored file into the tar file OUTPUT (which must not exist)."""
    if output.exists():
        raise click.ClickException(f"{output} exists already; choose a new file name")
    partial = output.with_name(output.name + ".partial")
    count = 0
    try:
        with tarfile.open(partial, "w") as archive:
            for area in AREAS:
                if not (area.backed_up or with_cache):
                    continue
                storage = storage_for(area)
                for stored in storage.list():
                    info = tarfile.TarInfo(f"{area.name}/{stored.key}")
                    info.size, info.mtime = stored.size, int(stored.modified)
                    try:
                        with storage.open(stored.key) as handle:
                            archive.addfile(info, handle)
                    except NotStored:  # removed meanwhile (a pending upload confirmed)
                        continue
                    count += 1
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"{count} files written to {output} ({output.stat().st_size:,} bytes).")


@storage_group.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(source: Path):
    """Put back the files of a tar file made by `storage backup` (existing keys are replaced)."""
    areas = {area.name: area for area in AREAS}
    with tarfile.open(source, "r") as archive:
        members = archive.getmembers()
        for member in members:  # all checked before the first is written
            name, _, key = member.name.partition("/")
            if not (member.isfile() and name in areas and valid_key(key)):
                raise click.ClickException(f"{source}: {member.name} is not a stored file")
        for member in members:
            name, _, key = member.name.partition("/")
            storage_for(areas[name]).put(key, archive.extractfile(member))
    click.echo(f"{len(members)} files restored from {source}.")


def valid_key(key: str) -> bool:
    try:
        check_key(key)
    except InvalidKey:
        return False
    return True
