"""The cooperatives blueprint; importing this module registers the area's views."""

from flask import Blueprint

bp = Blueprint("cooperatives", __name__)

from ppkl.cooperatives import views  # noqa: E402,F401
