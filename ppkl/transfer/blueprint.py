"""The import/export blueprint."""

from flask import Blueprint

bp = Blueprint("transfer", __name__)

from ppkl.transfer import views  # noqa: E402,F401
