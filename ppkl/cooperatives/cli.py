"""flask --app ppkl rebuild-derived: recompute the stored facts of every cooperative."""

import click
from sqlalchemy import text

from ppkl.cooperatives.facts import BATCH, differences, id_between, id_ranges, store
from ppkl.extensions import db

SHOWN = 10


def register(app) -> None:
    app.cli.add_command(rebuild_derived_command)


@click.command("rebuild-derived")
@click.option("--check", is_flag=True, help="Compare only: report differences, write nothing.")
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=BATCH,
    show_default=True,
    help="Cooperative ids per statement.",
)
def rebuild_derived_command(check: bool, batch: int):
    """Recompute the stored facts (latest visit, open follow-up, last stage change) from the
    visits and the history; with --check, report differences and exit 1 when there are any."""
    if check:
        found = []
        for low, high in id_ranges(db.session, batch):
            found += differences(db.session, low, high)
        db.session.rollback()
        if not found:
            click.echo("stored facts match the history")
            return
        click.echo(f"{len(found)} cooperatives differ from the history:", err=True)
        for difference in found[:SHOWN]:
            click.echo(f"  {difference.cooperative_id}: {', '.join(difference.fields)}", err=True)
        if len(found) > SHOWN:
            click.echo(f"  ... and {len(found) - SHOWN} more", err=True)
        raise SystemExit(1)
    ranges = 0
    for low, high in id_ranges(db.session, batch):
        store(db.session, id_between(low, high))
        db.session.commit()  # one batch at a time: row locks are held briefly
        ranges += 1
    if db.session.get_bind().dialect.name == "postgresql":
        # Fresh statistics: a planner that thinks the table small picks slow joins.
        db.session.execute(text("ANALYZE cooperative_facts"))
        db.session.commit()
    click.echo(f"rebuilt the stored facts in {ranges} batches")
