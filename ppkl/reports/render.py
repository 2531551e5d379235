"""HTML and PDF from one template: the screen shows exactly what prints.

A report template under templates/pdf/ renders with for_pdf False for the browser and True for
WeasyPrint; only the toolbar and the @page rules differ.
"""

import logging
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from weasyprint import HTML

from ppkl.clock import office_today
from ppkl.reports.fetcher import INTERNAL_BASE, StaticOnlyFetcher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Signature:
    place: str
    office: str
    supervisor_title: str
    supervisor_name: str
    supervisor_id_number: str | None
    timezone: str = "Asia/Makassar"

    @classmethod
    def from_config(cls, config) -> "Signature":
        """The nation's: the ministry's settings."""
        return cls(
            config["NATIONAL_OFFICE_PLACE"],
            config["NATIONAL_OFFICE_NAME"],
            config["NATIONAL_SIGNATORY_TITLE"],
            config["NATIONAL_SIGNATORY_NAME"],
            config.get("NATIONAL_SIGNATORY_NIP"),
            config["NATIONAL_TIMEZONE"],
        )

    @classmethod
    def of(cls, province, config) -> "Signature":
        """A province's office signs its reports; the ministry the nation's (province None)."""
        if province is None:
            return cls.from_config(config)
        return cls(
            province.office_place,
            province.office_name,
            province.signatory_title,
            province.signatory_name,
            province.signatory_nip,
            province.timezone,
        )


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    template_seconds: float
    pdf_seconds: float


def page_counter_css() -> str:
    """CSS content for "Halaman X dari Y" in the current language, from one msgid."""
    label = _("Page %(page)s of %(pages)s", page="\x00page\x00", pages="\x00pages\x00")
    parts = re.split("\x00(pages?)\x00", label)
    css = []
    for i, part in enumerate(parts):
        if i % 2:
            css.append(f"counter({part})")
        elif part:
            css.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(css)


def render_html(template: str, *, for_pdf: bool, signature: Signature, **context) -> str:
    """The report in the letterhead, signature line and time zone of `signature`."""
    return render_template(
        template,
        for_pdf=for_pdf,
        page_counter=page_counter_css() if for_pdf else "",
        signature=signature,
        signed_on=office_today(ZoneInfo(signature.timezone)),
        **context,
    )


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """Lay out and write the PDF; only the app's static files can be loaded."""
    fetcher = StaticOnlyFetcher(current_app.static_folder, current_app.static_url_path)
    document = HTML(string=html, base_url=INTERNAL_BASE, url_fetcher=fetcher).render()
    return document.write_pdf(), len(document.pages)


def render_pdf(template: str, **context) -> Rendered:
    """Template then WeasyPrint, timed apart (the benchmark reports the app's own share)."""
    started = time.perf_counter()
    html = render_html(template, for_pdf=True, **context)
    templated = time.perf_counter()
    pdf, pages = html_to_pdf(html)
    done = time.perf_counter()
    log.info("rendered %s: %d pages in %.2f s", template, pages, done - started)
    return Rendered(pdf, pages, templated - started, done - templated)


@contextmanager
def report_context(language: str):
    """A request context for rendering outside a request (CLI, workers), in the given language.

    url_for then yields paths under INTERNAL_BASE, which the fetcher maps to static files.
    """
    with current_app.test_request_context(base_url=INTERNAL_BASE), force_locale(language):
        yield
