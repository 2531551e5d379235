from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from ppkl.dashboard import views  # noqa: E402,F401
