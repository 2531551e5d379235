"""Command-line interface: flask --app ppkl <command>."""

import csv
import sys

import click
from flask import Flask, current_app
from sqlalchemy import or_, select

from ppkl.admin.services import AccountDetails, AccountError, create_user
from ppkl.auth.passwords import hash_password
from ppkl.backup import cli as backup_cli
from ppkl.cli_types import parse_date
from ppkl.clock import office_today
from ppkl.cooperatives import cli as cooperatives_cli
from ppkl.coverage import NATION, recap_scope
from ppkl.demo import provinces as demo_provinces
from ppkl.demo import seed as demo
from ppkl.demo.seed import DEMO_PASSWORD
from ppkl.extensions import db
from ppkl.models import Province, Regency
from ppkl.ods import cli as ods_cli
from ppkl.recap_past import recap_of
from ppkl.reports import cli as reports_cli
from ppkl.storage import cli as storage_cli
from ppkl.transfer import cli as transfer_cli


def register(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(recap_command)
    app.cli.add_command(seed_demo_command)
    backup_cli.register(app)
    cooperatives_cli.register(app)
    reports_cli.register(app)
    storage_cli.register(app)
    transfer_cli.register(app)
    ods_cli.register(app)


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "supervisor", "ppkl", "dak"]))
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--regency", help="Home regency (officers).")
@click.option("--cohort-year", type=int, help="Cohort year (DAK assistants).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(username, role, full_name, regency, cohort_year, password_stdin):
    """Create an account; asks for the password."""

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    regency_id = None
    if regency:
        regency_id = db.session.scalar(select(Regency.id).where(Regency.name == regency))
        if regency_id is None:
            raise click.ClickException(f"unknown regency {regency!r}")
    details = AccountDetails(full_name, role, regency_id, cohort_year)
    try:
        user = create_user(
            None, username, password, details, current_app.config["PASSWORD_HASH_METHOD"]
        )
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field}: {error.code.replace('_', ' ')}") from error
    db.session.commit()
    click.echo(f"created {user.role} {user.username}")


@click.command("recap")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
@click.option("--as-of", callback=parse_date, help="The recap at the end of this day (YYYY-MM-DD).")
@click.option("--province", help="One province's regencies (its code or name).")
def recap_command(fmt, as_of, province):
    """Print the recap (Capaian Koperasi) by regency, today's or as of a past day; with several
    provinces and no --province, the national recap by province."""

    province_id = None
    if province:
        province_id = db.session.scalar(
            select(Province.id).where(or_(Province.code == province, Province.name == province))
        )
        if province_id is None:
            raise click.ClickException(f"unknown province {province!r}")
    recap = recap_of(db.session, recap_scope(NATION, province_id), as_of)
    rows = recap.csv_rows()
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerows(rows)
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        numbers = [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        cells = [row[0].ljust(widths[0]), *numbers]
        click.echo("  ".join(cells))


@click.command("seed-demo")
@click.option("--end-date", callback=parse_date, help="Last day of demo activity (YYYY-MM-DD).")
@click.option("--if-empty", is_flag=True, help="Do nothing, successfully, when data exists.")
@click.option(
    "--provinces",
    type=click.IntRange(0, len(demo_provinces.CATALOGUE)),
    default=0,
    help="Also generate this many more provinces and a national account.",
)
def seed_demo_command(end_date, if_empty, provinces):
    """Load the demo data: 747 cooperatives and the demo accounts."""

    if current_app.config["PRODUCTION"]:
        raise click.ClickException(
            "seed-demo refuses to run in production (PPKL_PRODUCTION is set)"
        )
    hash_method = current_app.config["PASSWORD_HASH_METHOD"]
    try:
        result = demo.seed(db.session, end_date or office_today(), hash_method)
    except demo.DemoRefused as error:
        db.session.rollback()
        if if_empty:
            click.echo("Demo data not loaded: the database already has cooperatives.")
            return
        raise click.ClickException(
            "The database already has cooperatives; seed-demo only fills an empty database."
        ) from error
    more = None
    if provinces:
        password_hash = hash_password(DEMO_PASSWORD, hash_method)
        more = demo_provinces.seed_provinces(
            db.session, provinces, end_date or office_today(), password_hash
        )
    db.session.commit()
    click.echo(f"Loaded {result.cooperatives} cooperatives and {len(result.users)} accounts.")
    click.echo(demo_logins_text())
    if more:
        click.echo(
            f"Also {len(more.provinces)} provinces ({', '.join(more.provinces)}) with "
            f"{more.cooperatives} cooperatives; logins: {', '.join(more.users)}"
        )


def demo_logins_text() -> str:

    return (
        f"Demo logins (password for all: {DEMO_PASSWORD}): admin, supervisor, "
        "ppkl01 … ppkl13, dak01 … dak24"
    )
