"""The reports blueprint; importing this module registers its views and template filters."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from ppkl.reports import filters, views  # noqa: E402,F401
