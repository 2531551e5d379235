"""The installable app's two root files: the manifest and the service worker.

They live under ppkl/static/app/ (written with the phone side of the app) but must be served
from the root: a service worker controls only URLs under the path it was served from (and the
Service-Worker-Allowed header), and the manifest's scope is "/". no-cache makes browsers check
for a new service worker on every load, so a deployment reaches phones at once.
"""

from pathlib import Path

from flask import Response, current_app, request

from ppkl.access import public
from ppkl.api.blueprint import plain_bp


def shell_dir() -> Path:
    configured = current_app.config.get("APP_SHELL_DIR")
    return Path(configured) if configured else Path(current_app.static_folder) / "app"


def serve(name: str, mimetype: str):
    # Read whole (a few kB, fixed names): a streamed file stays open in callers that never
    # close the response, such as the test client walking every route.
    response = Response((shell_dir() / name).read_bytes(), mimetype=mimetype)
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@plain_bp.route("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest (name, icons, start URL /tasks/)."""
    return serve("manifest.webmanifest", "application/manifest+json")


@plain_bp.route("/sw.js")
@public
def service_worker():
    """The service worker, with scope / allowed."""
    response = serve("sw.js", "text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return response
