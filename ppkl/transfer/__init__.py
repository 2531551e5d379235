"""Import and export of cooperative lists, visits and the recap (web and CLI)."""

from flask import Blueprint

bp = Blueprint("transfer", __name__)

from ppkl.transfer import views  # noqa: E402,F401
