"""PDF reports: the officer progress report, the province recap, batches."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from ppkl.reports import filters, views  # noqa: E402,F401
