"""flask --app ppkl rebuild-derived: recompute the stored facts of every cooperative and the
stored month-end recaps."""

import click
from sqlalchemy import text

from ppkl.cooperatives.facts import BATCH, differences, id_between, id_ranges, store
from ppkl.extensions import db
from ppkl.recap_past import month_end_differences, rebuild_month_ends

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
    """Recompute the stored facts (latest visit, open follow-up, last stage change) and the
    month-end recaps from the visits and the history; with --check, report differences and
    exit 1 when there are any."""
    if check:
        found = []
        for low, high in id_ranges(db.session, batch):
            found += differences(db.session, low, high)
        months = month_end_differences(db.session)
        db.session.rollback()
        if not found and not months:
            click.echo("stored facts and month ends match the history")
            return
        if found:
            click.echo(f"{len(found)} cooperatives differ from the history:", err=True)
        for difference in found[:SHOWN]:
            click.echo(f"  {difference.cooperative_id}: {', '.join(difference.fields)}", err=True)
        if len(found) > SHOWN:
            click.echo(f"  ... and {len(found) - SHOWN} more", err=True)
        if months:
            click.echo(f"{len(months)} stored month ends differ from the history:", err=True)
        for cutoff, regency_id in months[:SHOWN]:
            click.echo(f"  regency {regency_id} at {cutoff:%Y-%m-%d %H:%M} UTC", err=True)
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
    months = rebuild_month_ends(db.session)
    db.session.commit()
    click.echo(f"rebuilt the stored facts in {ranges} batches and {months} month-end recaps")
