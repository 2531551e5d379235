"""Report verbs: the officer PDF (from the cache or rendered), the recap PDF, and batches."""

import logging
import uuid
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ppkl import audit
from ppkl.certification.deadlines import rules_from_config
from ppkl.clock import office_today, utcnow
from ppkl.cooperatives.queries import officers as load_officers
from ppkl.coverage import NATION, recap_scope, sees_nation
from ppkl.i18n import scope_label, stage_label
from ppkl.location import LocationLimits
from ppkl.models import Regency, ReportJob, ReportJobItem, User
from ppkl.models.user import OFFICER_ROLES
from ppkl.progress.display import months_chart
from ppkl.reports.cache import PdfCache, cache_key, data_stamp
from ppkl.reports.chart import Bar, bar_chart
from ppkl.reports.evaluation import EvaluationRules
from ppkl.reports.officer import OfficerReport, build_officer_report
from ppkl.reports.periods import Period, ReportRefused
from ppkl.reports.recap_report import RecapReport, build_recap_report  # noqa: F401
from ppkl.reports.render import Rendered, Signature, render_html, render_pdf
from ppkl.storage.app import REPORT_CACHE, storage_for

log = logging.getLogger(__name__)


OFFICER_REPORT_MADE = audit.AuditAction(
    "officer_report.generated", _l("Officer report generated (PDF)")
)
RECAP_REPORT_MADE = audit.AuditAction("recap_report.generated", _l("Recap report generated (PDF)"))
REPORT_BATCH_REQUESTED = audit.AuditAction("report_batch.requested", _l("Report batch requested"))

STAGE_COLOURS = {
    "not_started": "#6c757d",
    "rat_held": "#0d6efd",
    "report_received": "#6f42c1",
    "ods_entered": "#fd7e14",
    "certified": "#198754",
}


@dataclass(frozen=True)
class PdfResult:
    pdf: bytes
    from_cache: bool
    rendered: Rendered | None = None


def officer_report(session: Session, officer: User, period: Period) -> OfficerReport:
    """The officer report's figures (refused over the row cap)."""
    config = current_app.config
    return build_officer_report(
        session,
        officer,
        period,
        config["REPORT_MAX_ROWS"],
        EvaluationRules.from_config(config),
        rules_from_config(config),
        LocationLimits.from_config(config),
        office_today(),
    )


def officer_chart(report: OfficerReport, stage_label, title: str):
    bars = [Bar(stage_label(s), n, STAGE_COLOURS[s]) for s, n in report.stage_counts.items()]
    return bar_chart(bars, title=title)


def generated_by(user: User | None) -> str:
    from flask_babel import gettext as _

    return user.full_name if user is not None else _("ppkl command line")


def officer_context(report: OfficerReport, viewer: User | None, officer: User) -> dict:
    from flask_babel import gettext as _

    return {
        "signature": Signature.of(officer.province, current_app.config),
        "report": report,
        "chart": officer_chart(report, stage_label, _("Assigned cooperatives by stage")),
        "months": months_chart(report.months, report.officer_name) if report.months else None,
        "generated_at": utcnow(),
        "generated_by": generated_by(viewer),
    }


def officer_html(session: Session, officer: User, period: Period, viewer: User) -> str:
    """The officer report as a web page (the same template as the PDF)."""
    report = officer_report(session, officer, period)
    return render_html(
        "pdf/officer.html", for_pdf=False, **officer_context(report, viewer, officer)
    )


def officer_pdf(
    session: Session, officer: User, period: Period, language: str, actor: User | None
) -> PdfResult:
    """The officer report PDF: served from the cache while its data is unchanged."""
    if officer.role not in OFFICER_ROLES:
        raise ReportRefused("not_an_officer")
    settings = dict(Signature.of(officer.province, current_app.config).__dict__)
    settings["location_limits"] = LocationLimits.from_config(current_app.config).__dict__
    key = cache_key(officer, period, language, data_stamp(session, officer.id, period), settings)
    cache = PdfCache(storage_for(REPORT_CACHE))
    name = cache.name(officer.id, period, language, key)
    cached = cache.get(name)
    audit.record(
        OFFICER_REPORT_MADE,
        user=actor,
        target=f"user:{officer.id}",
        period=period.slug(),
        cached=cached is not None,
    )
    if cached is not None:
        return PdfResult(cached, True)
    report = officer_report(session, officer, period)
    rendered = render_pdf("pdf/officer.html", **officer_context(report, actor, officer))
    cache.put(name, rendered.pdf)
    return PdfResult(rendered.pdf, False, rendered)


def recap_context(session: Session, as_of, viewer: User | None, province_id=None) -> dict:
    """The recap of the viewer's scope (a command line's: the nation's, or `province_id`'s),
    headed and signed by its province's office or, for the nation, the ministry."""
    shown = recap_scope(viewer or NATION, province_id)
    report: RecapReport = build_recap_report(session, as_of, shown)
    return {
        "signature": Signature.of(shown.province, current_app.config),
        "recap": report,
        # The page's download repeats a national account's choice of province.
        "chosen_province": province_id if province_id and sees_nation(viewer or NATION) else None,
        "scope_name": scope_label(shown),
        "generated_at": utcnow(),
        "generated_by": generated_by(viewer),
    }


def recap_html(session: Session, as_of, viewer: User, province_id: int | None = None) -> str:
    """The province recap as a web page (a national account may choose a province)."""
    context = recap_context(session, as_of, viewer, province_id)
    return render_html("pdf/recap.html", for_pdf=False, **context)


def recap_pdf(
    session: Session, as_of, actor: User | None, province_id: int | None = None
) -> Rendered:
    """The province recap PDF (Capaian Koperasi Provinsi)."""
    audit.record(RECAP_REPORT_MADE, user=actor, as_of=as_of.isoformat(), province=province_id)
    return render_pdf("pdf/recap.html", **recap_context(session, as_of, actor, province_id))


def start_batch(
    session: Session, actor: User, regency: Regency | None, period: Period, language: str
) -> ReportJob:
    """Create a batch job with one item per active officer (of the regency, when given)."""
    regency_id = regency.id if regency else None
    officers = load_officers(session, actor, active_only=True, regency_id=regency_id)
    if not officers:
        raise ReportRefused("no_officers", "regency")
    job = ReportJob(
        id=uuid.uuid4().hex,
        created_by_id=actor.id,
        regency_id=regency.id if regency else None,
        period_start=period.start,
        period_end=period.end,
        language=language,
    )
    session.add(job)
    session.add_all(
        ReportJobItem(job_id=job.id, position=i, officer_id=o.id, username=o.username)
        for i, o in enumerate(officers)
    )
    session.flush()
    audit.record(
        REPORT_BATCH_REQUESTED,
        user=actor,
        target=f"job:{job.id}",
        regency=regency.name if regency else None,
        period=period.slug(),
        officers=len(officers),
    )
    log.info("batch %s: %d officers, %s", job.id, len(officers), period.slug())
    return job
