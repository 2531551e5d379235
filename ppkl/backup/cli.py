"""flask --app ppkl backup OUTPUT / restore INPUT."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from ppkl.backup import BackupError, backup, restore
from ppkl.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("backup")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(output: Path):
    """Write a consistent copy of the database to OUTPUT while the app keeps running."""

    try:
        backup(db.engine.url, output)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {output} ({output.stat().st_size:,} bytes).")
    click.echo(
        "Photos and certificate files are not in it: back them up with "
        "flask --app ppkl storage backup FILE.tar, or with the bucket's own tools."
    )


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(source: Path):
    """Restore a backup into the configured database, which must be empty."""

    db.engine.dispose()  # no pooled connection of ours may hold the target open
    try:
        restore(db.engine.url, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {source}. Check it with: flask --app ppkl recap")
