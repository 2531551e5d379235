"""The cooperatives blueprint; importing this module registers the area's views and its page for
a stale change that no view answered itself (the JSON API lets StaleEdit through)."""

from flask import Blueprint

from ppkl.cooperatives.stale import stale_edit_page
from ppkl.domain import StaleEdit

bp = Blueprint("cooperatives", __name__)
bp.app_errorhandler(StaleEdit)(stale_edit_page)

from ppkl.cooperatives import picker_views, views  # noqa: E402,F401
