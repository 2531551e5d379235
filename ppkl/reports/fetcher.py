"""WeasyPrint's URL fetcher for reports: the app's own static files, nothing else.

Visit notes are user text; even escaped, a report must never make the server read a local file
(file://) or reach an address on the network. Refused URLs raise, and WeasyPrint leaves the
resource out (and logs a warning) rather than fetching it.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

# Reports are rendered against this base URL; .invalid never resolves (RFC 2606).
INTERNAL_BASE = "http://ppkl.invalid/"
INTERNAL_HOST = "ppkl.invalid"


class FetchRefused(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serve http://ppkl.invalid/static/<file> from the static folder; refuse the rest."""

    def __init__(self, static_folder: str | Path, static_url_path: str = "/static"):
        super().__init__(allowed_protocols=("http",), allow_redirects=False)
        self.root = Path(static_folder).resolve()
        self.prefix = static_url_path.rstrip("/") + "/"

    def fetch(self, url, headers=None):
        path = self.static_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def static_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.netloc != INTERNAL_HOST:
            log.warning("report fetch refused: %s", url[:200])
            raise FetchRefused(f"only the app's own static files may be loaded, not {url[:200]}")
        path = unquote(parts.path)
        if not path.startswith(self.prefix):
            raise FetchRefused(f"not a static file: {url[:200]}")
        candidate = (self.root / path[len(self.prefix) :]).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            raise FetchRefused(f"no such static file: {url[:200]}")
        return candidate
