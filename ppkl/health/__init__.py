"""Probes for a load balancer: /healthz (process alive) and /readyz (database ready)."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from ppkl.health import views  # noqa: E402,F401
