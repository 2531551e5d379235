"""The reports blueprint; importing this module registers its views."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from ppkl.reports import views  # noqa: E402,F401
