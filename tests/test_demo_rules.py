"""The demo data obeys the rules the forms enforce: every row passes the services' checks."""

from sqlalchemy import select

from ppkl.extensions import db
from ppkl.models import RatRecord, Visit
from ppkl.visits.services import VisitDetails, VisitError, check_details
from ppkl.workflow import EvidenceContext, RatEvidence, Stage, check_evidence
from tests.helpers import DEMO_END_DATE


def test_every_demo_visit_passes_the_visit_checks(demo_app):
    refused = []
    for visit in db.session.scalars(select(Visit)):
        details = VisitDetails(
            visit.visited_on,
            list(visit.purposes),
            visit.people_met,
            visit.notes,
            visit.outcome,
            visit.follow_up_on,
            visit.follow_up_action,
        )
        try:
            check_details(details, visit.created_at.date())  # as on the day it was recorded
        except VisitError as error:
            refused.append((visit.id, visit.visited_on, visit.follow_up_on, error.code))
    assert refused == []


def test_every_demo_rat_record_passes_the_rat_checks(demo_app):
    refused = []
    for rat in db.session.scalars(select(RatRecord)):
        evidence = RatEvidence(rat.fiscal_year, rat.held_on, rat.members_present, rat.members_total)
        problems = check_evidence(Stage.RAT_HELD, evidence, EvidenceContext(today=DEMO_END_DATE))
        if rat.report_received_on is not None and rat.report_received_on < rat.held_on:
            problems.append("report before the RAT")
        if problems:
            refused.append((rat.id, problems))
    assert refused == []
