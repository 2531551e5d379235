"""All models, imported here so Alembic and the app see one metadata."""

from ppkl.models.api_token import ApiToken
from ppkl.models.assignment import Assignment
from ppkl.models.audit import AuditEvent
from ppkl.models.certificate_document import CertificateDocument
from ppkl.models.client_move import ClientMove
from ppkl.models.cooperative import Cooperative
from ppkl.models.cooperative_facts import CooperativeFacts
from ppkl.models.cooperative_location import CooperativeLocation
from ppkl.models.history import CooperativeHistory, HistoryKind
from ppkl.models.ods_run import OdsRun, OdsRunLine
from ppkl.models.pending_photo import PendingPhoto
from ppkl.models.province import Province
from ppkl.models.rat import RatRecord
from ppkl.models.recap_month_end import RecapMonthEnd
from ppkl.models.regency import Regency
from ppkl.models.report_job import ReportJob
from ppkl.models.report_job_item import ReportJobItem
from ppkl.models.target import CertificationTarget
from ppkl.models.target_change import TargetChange
from ppkl.models.used_form_key import UsedFormKey
from ppkl.models.user import Role, User
from ppkl.models.visit import Visit
from ppkl.models.visit_photo import VisitPhoto

__all__ = [
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "CertificateDocument",
    "CertificationTarget",
    "ClientMove",
    "Cooperative",
    "CooperativeFacts",
    "CooperativeHistory",
    "CooperativeLocation",
    "HistoryKind",
    "OdsRun",
    "OdsRunLine",
    "PendingPhoto",
    "Province",
    "RatRecord",
    "RecapMonthEnd",
    "Regency",
    "ReportJob",
    "ReportJobItem",
    "Role",
    "TargetChange",
    "User",
    "UsedFormKey",
    "Visit",
    "VisitPhoto",
]
