"""The import/export blueprint."""

from flask import Blueprint

bp = Blueprint("transfer", __name__)

from ppkl.transfer import labels, views  # noqa: E402,F401

bp.add_app_template_filter(labels.import_field_label)
bp.add_app_template_filter(labels.import_value)
