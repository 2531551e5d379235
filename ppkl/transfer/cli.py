"""flask --app ppkl import-cooperatives / export: the command-line side of import and export."""

from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ppkl.cli_types import parse_date
from ppkl.clock import office_today
from ppkl.cooperatives.queries import CooperativeFilter
from ppkl.extensions import db
from ppkl.models import User
from ppkl.tasks.worklist import Thresholds
from ppkl.transfer import exports
from ppkl.transfer.services import (
    ConcurrentChange,
    UnknownProvince,
    import_cooperatives,
    import_options,
)
from ppkl.transfer.tabular import FileRefused


def register(app) -> None:
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)


@click.command("import-cooperatives")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@click.option("--create-regencies", is_flag=True, help="Create regencies the file names.")
@click.option("--as", "username", help="The importing user, named in history and audit.")
@click.option("--reason", help="Why rows go back a stage or are deactivated (required then).")
@click.option("--province", help="The province (name or code) of rows that name none.")
def import_command(
    file: Path,
    dry_run: bool,
    create_regencies: bool,
    username: str | None,
    reason: str | None,
    province: str | None,
):
    """Import cooperatives from a CSV or XLSX file: all rows or none."""

    user = None
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"unknown user {username!r}")
    options = import_options(
        current_app.config, create_regencies, dry_run, reason, cli=True, province=province
    )
    try:
        result = import_cooperatives(db.session, user, file.name, file.read_bytes(), options)
    except FileRefused as error:
        db.session.rollback()
        raise click.ClickException(f"{file.name}: {error.message}") from error
    except ConcurrentChange as error:
        db.session.rollback()
        raise click.ClickException(f"{error}; nothing was imported, run it again") from error
    except UnknownProvince as error:
        db.session.rollback()
        raise click.ClickException(f"unknown province {province!r}") from error
    plan = result.plan
    if plan.unknown_columns:
        names = ", ".join(plan.unknown_columns)
        click.echo(f"ignored unknown columns: {names}", err=True)
    if not plan.ok:
        db.session.rollback()
        for problem in plan.problems:
            click.echo(f"{file.name}: {problem.line()}", err=True)
        click.echo(f"{len(plan.problems)} problems; nothing was imported", err=True)
        raise SystemExit(1)
    if dry_run:
        db.session.rollback()
        click.echo(f"dry run, nothing written: {result.summary()}")
        return
    if result.reason_missing:
        db.session.rollback()
        for change in plan.need_reason:
            what = "deactivates" if change.deactivates else "goes back a stage"
            click.echo(f"{file.name}: row {change.row} {what}", err=True)
        click.echo("give --reason for these rows; nothing was imported", err=True)
        raise SystemExit(1)
    if plan.new_regencies:
        click.echo(f"created regencies: {', '.join(plan.new_regencies)}")
    db.session.commit()
    click.echo(result.summary())


@click.command("export")
@click.argument("kind", type=click.Choice(["cooperatives", "visits", "recap"]))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "start", callback=parse_date, help="Visits from (YYYY-MM-DD).")
@click.option("--to", "end", callback=parse_date, help="Visits up to (YYYY-MM-DD).")
@click.option("--as-of", callback=parse_date, help="The recap at the end of this day.")
def export_command(kind: str, fmt: str, output: Path, start, end, as_of):
    """Export cooperatives, visits or the recap as CSV or XLSX."""

    if kind != "visits" and (start or end):
        raise click.UsageError("--from and --to apply to visits only")
    if kind != "recap" and as_of:
        raise click.UsageError("--as-of applies to the recap only")
    actor, today = exports.CliActor(), office_today()
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]), output.open("wb") as out:
        if kind == "cooperatives":
            thresholds = Thresholds.from_config(current_app.config, today)
            result = exports.export_cooperatives(
                db.session, actor, CooperativeFilter(), thresholds, fmt, out
            )
        elif kind == "visits":
            period = exports.VisitPeriod(start, end)
            result = exports.export_visits(db.session, actor, period, fmt, out, today)
        else:
            result = exports.export_recap(db.session, actor, fmt, out, today, as_of)
    db.session.commit()
    click.echo(f"wrote {result.rows} rows to {output}")
