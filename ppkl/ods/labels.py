"""What the run page, its export and its refusals call each group, reason and problem."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ppkl.certification.forms import PROBLEM_MESSAGES
from ppkl.cooperatives.forms import DETAILS_MESSAGES
from ppkl.domain import Problem
from ppkl.forms import problem_text
from ppkl.i18n import format_long_date, stage_label
from ppkl.ods.rules import Group

GROUP_LABELS = {
    Group.CONSISTENT: _l("Matched and consistent"),
    Group.ODS_AHEAD: _l("ODS is ahead"),
    Group.PPKL_AHEAD: _l("ppkl is ahead"),
    Group.CONFLICT: _l("Conflicting"),
    Group.ONLY_ODS: _l("Only in ODS"),
    Group.ONLY_PPKL: _l("Only in ppkl"),
}
GROUP_HELP = {
    Group.CONSISTENT: _l("Found on both sides, and both say the same."),
    Group.ODS_AHEAD: _l(
        "ODS has the entry or the NIK, ppkl is at an earlier stage: the proposed moves bring "
        "ppkl up to date."
    ),
    Group.PPKL_AHEAD: _l("Entered in ODS or certified here, but ODS does not show it."),
    Group.CONFLICT: _l("The NIK, the name or the legal entity number differs: check by hand."),
    Group.ONLY_ODS: _l("Rows of the extract no cooperative here matches: they can be created."),
    Group.ONLY_PPKL: _l(
        "Cooperatives of the regencies the file covers that the extract does not have."
    ),
}
MATCHED_BY = {
    "nik": _l("NIK"),
    "legal_entity_number": _l("legal entity number"),
    "name": _l("name and regency"),
}
REASONS = {
    "matched_by_nik": _l("Matched by NIK."),
    "matched_by_legal_entity_number": _l("Matched by legal entity number."),
    "matched_by_name": _l("Matched by name and regency."),
    "consistent": _l("Both at %(stage)s."),
    "nik_in_ods": _l("ODS holds NIK %(nik)s; here the cooperative is at %(stage)s."),
    "entered_in_ods": _l("ODS has the data (date %(date)s); here it is not yet entered."),
    "inactive_here": _l("The cooperative is inactive here: reactivate it first."),
    "earlier_steps_first": _l(
        "Here it is at %(stage)s: record the RAT and its report first; the extract holds no "
        "evidence for them."
    ),
    "no_issue_date": _l("The extract gives no NIK issue date: record the certificate by hand."),
    "no_nik_in_ods": _l("Certified here with NIK %(nik)s; ODS shows no NIK."),
    "not_entered_in_ods": _l("Here at %(stage)s; ODS status is '%(status)s'."),
    "missing_in_ods": _l("Here at %(stage)s, but the extract does not have it."),
    "not_in_ods": _l("Here at %(stage)s; the extract does not have it."),
    "nik_differs": _l("NIK differs: ODS %(ods)s, here %(ppkl)s."),
    "legal_entity_number_differs": _l("Legal entity number differs: ODS %(ods)s, here %(ppkl)s."),
    "name_differs": _l("Name differs: ODS '%(ods)s', here '%(ppkl)s'."),
    "same_cooperative": _l("Row %(row)s of the extract already matches this cooperative."),
    "not_in_ppkl": _l("No cooperative here has this NIK, legal entity number or name."),
    "ambiguous_name": _l("%(count)s cooperatives here have this name in this regency."),
    "unknown_regency": _l("The regency is not known here: it cannot be created."),
    "no_regency": _l("The row names no regency: it cannot be created."),
}
CANDIDATE_WHY = {
    "same_name": _l("same name"),
    "other_form": _l("same name, another legal form"),
    "other_regency": _l("same name in another regency"),
    "similar_name": _l("similar name"),
}
APPLY_PROBLEMS = {
    "not_proposed": _l("Nothing is proposed for this line."),
    "already_applied": _l("Already applied."),
    "unknown_regency": _l("The regency no longer exists."),
}


def reason_text(reason: dict) -> str:
    params = {k: v for k, v in reason.items() if k != "code"}
    if "stage" in params:
        params["stage"] = stage_label(params["stage"])
    if "status" in params:
        params["status"] = params["status"] or "—"
    text = str(REASONS[reason["code"]])
    return text % params if params else text


def line_why(data: dict) -> str:
    return " ".join(reason_text(r) for r in data.get("reasons", []))


def proposal_text(data: dict) -> str:
    proposal = data.get("proposal")
    if not proposal:
        return ""
    if proposal["kind"] == "create":
        return _("Create the cooperative (not started)")
    return " → ".join(stage_label(step["to"]) for step in proposal["steps"])


def ods_facts(ods: dict | None) -> list[str]:
    """What the extract said of a line, short: NIK, legal entity number, dates, RAT, status."""
    ods = ods or {}
    facts = []
    if ods.get("nik"):
        facts.append(f"NIK {ods['nik']}")
    if ods.get("legal_entity_number"):
        facts.append(_("BH %(number)s", number=ods["legal_entity_number"]))
    if ods.get("ods_date"):
        day = format_long_date(date.fromisoformat(ods["ods_date"]))
        facts.append(_("updated %(date)s", date=day))
    if ods.get("nik_issued_on"):
        day = format_long_date(date.fromisoformat(ods["nik_issued_on"]))
        facts.append(_("NIK of %(date)s", date=day))
    if ods.get("last_rat_year"):
        facts.append(_("RAT %(year)s", year=ods["last_rat_year"]))
    if ods.get("ods_status"):
        facts.append(ods["ods_status"])
    return facts


def apply_problem_message(problem: Problem) -> str:
    for messages in (APPLY_PROBLEMS, PROBLEM_MESSAGES, DETAILS_MESSAGES):
        if problem.code in messages:
            return problem_text(problem, messages)
    return problem.code
