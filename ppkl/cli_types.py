"""Click parameter callbacks shared by the commands of every area."""

from datetime import date

import click


def parse_date(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter("use the form YYYY-MM-DD") from error
