"""flask --app ppkl report officer|recap|officers|worker: reports for scheduled runs."""

import sys
import zipfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ppkl.cli_types import parse_date
from ppkl.clock import office_today
from ppkl.cooperatives.queries import officers as load_officers
from ppkl.coverage import NATION
from ppkl.extensions import db
from ppkl.models import Regency, User
from ppkl.models.user import OFFICER_ROLES
from ppkl.reports.forms import refusal_message
from ppkl.reports.jobs import failure_text, redis_queue
from ppkl.reports.periods import ReportRefused, checked_period
from ppkl.reports.render import report_context
from ppkl.reports.services import officer_pdf, recap_pdf

report_group = AppGroup("report", help="Print PDF reports.")

LANGUAGE = click.option(
    "--lang", type=click.Choice(["id", "en"]), default="id", help="Report language."
)
OUTPUT = click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True))


def register(app) -> None:
    app.cli.add_command(report_group)


def refusal(error: ReportRefused, language: str) -> click.ClickException:

    with report_context(language):
        return click.ClickException(refusal_message(error))


def period_from(start, end, language):
    if start is None or end is None:
        raise click.UsageError("give both --from and --to (YYYY-MM-DD)")
    try:
        return checked_period(start, end, current_app.config["REPORT_MAX_DAYS"])
    except ReportRefused as error:
        raise refusal(error, language) from error


def find_officer(username: str):

    officer = db.session.scalar(select(User).where(User.username == username))
    if officer is None or officer.role not in OFFICER_ROLES:
        raise click.ClickException(f"no PPKL officer or DAK assistant named {username!r}")
    return officer


@report_group.command("officer")
@click.argument("username")
@click.option("--from", "start", callback=parse_date, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", callback=parse_date, help="Last day (YYYY-MM-DD).")
@OUTPUT
@LANGUAGE
def officer_command(username, start, end, output, lang):
    """One officer's progress report for a period, as a PDF file."""

    officer = find_officer(username)
    period = period_from(start, end, lang)
    try:
        with report_context(lang):
            result = officer_pdf(db.session, officer, period, lang, None)
    except ReportRefused as error:
        db.session.rollback()
        raise refusal(error, lang) from error
    db.session.commit()
    Path(output).write_bytes(result.pdf)
    click.echo(f"wrote {output} ({'from cache' if result.from_cache else 'rendered'})")


@report_group.command("recap")
@click.option("--as-of", "as_of", callback=parse_date, help="Date (YYYY-MM-DD); default today.")
@OUTPUT
@LANGUAGE
def recap_command(as_of, output, lang):
    """The province recap (Capaian Koperasi Provinsi) as a PDF file."""

    try:
        with report_context(lang):
            rendered = recap_pdf(db.session, as_of or office_today(), None)
    except ReportRefused as error:
        db.session.rollback()
        raise refusal(error, lang) from error
    db.session.commit()
    Path(output).write_bytes(rendered.pdf)
    click.echo(f"wrote {output} ({rendered.pages} pages)")


@report_group.command("officers")
@click.option("--regency", help="Only the officers of this regency.")
@click.option("--from", "start", callback=parse_date, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", callback=parse_date, help="Last day (YYYY-MM-DD).")
@OUTPUT
@LANGUAGE
def officers_command(regency, start, end, output, lang):
    """Every active officer's report in one ZIP (one PDF each); failures are listed and fail
    the command after the others are written."""

    period = period_from(start, end, lang)
    regency_id = None
    if regency:
        regency_id = db.session.scalar(select(Regency.id).where(Regency.name == regency))
        if regency_id is None:
            raise click.ClickException(f"unknown regency {regency!r}")
    officers = load_officers(db.session, NATION, active_only=True, regency_id=regency_id)
    failed = []
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as archive:
        for officer in officers:
            try:
                with report_context(lang):
                    result = officer_pdf(db.session, officer, period, lang, None)
                db.session.commit()
            except Exception as error:  # report it and go on with the others
                db.session.rollback()
                failed.append(f"{officer.username}: {failure_text(error, lang)}")
                continue
            archive.writestr(f"{officer.username}.pdf", result.pdf)
        if failed:
            archive.writestr("FAILED.txt", "\n".join(failed) + "\n")
    click.echo(f"wrote {output}: {len(officers) - len(failed)} of {len(officers)} officers")
    if failed:
        click.echo("failed:\n" + "\n".join(failed), err=True)
        sys.exit(1)


@report_group.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst):
    """Run an RQ worker for report batches (needs REDIS_URL); start one per core."""
    from rq import SimpleWorker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set; without it the web process prints.")
    queue = redis_queue(current_app)
    # SimpleWorker runs jobs in this process, which keeps WeasyPrint's fonts warm.
    SimpleWorker([queue], connection=queue.connection).work(burst=burst)
