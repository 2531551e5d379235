"""flask --app ppkl reconcile-ods: the reconciliation from the command line."""

from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from ppkl.cli_types import parse_date
from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import OdsRunLine, User
from ppkl.ods.exports import line_name
from ppkl.ods.labels import apply_problem_message
from ppkl.ods.rules import GROUPS
from ppkl.ods.services import (
    ApplyRefused,
    apply_run,
    ods_options,
    reconcile_file,
    save_run,
)
from ppkl.permissions import Permission, has_permission
from ppkl.transfer.tabular import FileRefused


def register(app) -> None:
    app.cli.add_command(reconcile_command)


@click.command("reconcile-ods")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Keep the run and apply its proposals.")
@click.option("--as", "username", help="The supervisor reconciling (required with --apply).")
@click.option("--extract-date", callback=parse_date, help="The extract's date (default today).")
@click.option("--create-missing", is_flag=True, help="With --apply, also create 'only in ODS'.")
def reconcile_command(file: Path, apply_: bool, username, extract_date, create_missing: bool):
    """Reconcile an ODS extract with the register; a dry run unless --apply."""

    user = None
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"unknown user {username!r}")
    if apply_ and not (user and has_permission(user, Permission.SUPERVISE_CERTIFICATION)):
        raise click.ClickException("--apply needs --as USERNAME of a supervisor or admin")
    extract_date = extract_date or office_today()
    if extract_date > office_today():
        raise click.ClickException("--extract-date cannot be after today")
    options = ods_options(current_app.config, extract_date, command_line=True)
    try:
        outcome = reconcile_file(db.session, user, file.name, file.read_bytes(), options)
    except FileRefused as error:
        db.session.rollback()
        raise click.ClickException(f"{file.name}: {error.message}") from error
    extract = outcome.extract
    if extract.unknown_columns:
        click.echo(f"ignored unknown columns: {', '.join(extract.unknown_columns)}", err=True)
    if not outcome.ok:
        db.session.rollback()
        for problem in extract.problems:
            click.echo(f"{file.name}: {problem.line()}", err=True)
        click.echo(f"{len(extract.problems)} problems; nothing was checked", err=True)
        raise SystemExit(1)
    result = outcome.result
    counts = result.counts()
    for group in GROUPS:
        click.echo(f"{group.value:<12} {counts[group.value]:>8}")
    click.echo(f"{'proposals':<12} {result.proposals:>8}")
    if not apply_:
        db.session.rollback()
        click.echo("dry run, nothing written (--apply to apply the proposals)")
        return
    run = save_run(db.session, user, outcome, extract_date)
    kinds = {"move", "create"} if create_missing else {"move"}
    lines = db.session.execute(
        select(OdsRunLine.id, OdsRunLine.row, OdsRunLine.data).where(OdsRunLine.run_id == run.id)
    ).all()
    ids = [line_id for line_id, _, data in lines if proposed(data, kinds)]
    names = {line_id: line_name(row, data) for line_id, row, data in lines}
    applied = None
    if ids:
        try:
            applied = apply_run(user, run, ids, office_today())
        except ApplyRefused as error:
            db.session.rollback()
            for line_id, problems in error.refusals.items():
                reasons = " ".join(apply_problem_message(p) for p in problems)
                click.echo(f"{names.get(line_id, line_id)}: {reasons}", err=True)
            click.echo(f"{len(error.refusals)} refused; nothing was applied", err=True)
            raise SystemExit(1) from error
    db.session.commit()
    moved, created = (applied.moved, applied.created) if applied else (0, 0)
    click.echo(f"run {run.id} kept: {moved} moved, {created} created")


def proposed(data: dict, kinds: set[str]) -> bool:
    proposal = data.get("proposal")
    if not proposal or proposal["kind"] not in kinds:
        return False
    # A row that resembles a cooperative here is left to a person to decide.
    return not (proposal["kind"] == "create" and data.get("candidates"))
