"""The ODS reconciliation blueprint."""

from flask import Blueprint

bp = Blueprint("ods", __name__)

from ppkl.ods import views  # noqa: E402,F401
