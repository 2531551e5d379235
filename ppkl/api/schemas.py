"""Request and response shapes of the API (marshmallow): they validate what comes in and are
what flask-smorest writes into the OpenAPI document."""

from marshmallow import EXCLUDE, Schema, fields, validate

from ppkl.visits.rules import PURPOSES
from ppkl.workflow import Stage

STAGES = [s.value for s in Stage]
# Ids are 32-bit integers in the database: a larger number is refused, not sent to it.
MAX_ID = 2**31 - 1


class InputSchema(Schema):
    class Meta:
        # A newer phone may send more than this server knows: ignore it rather than refuse.
        unknown = EXCLUDE


def text(max_length: int, **kwargs):
    return fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=max_length), **kwargs
    )


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Stable, for programs"})
    message = fields.String(required=True, metadata={"description": "Translated, for people"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Per field (dotted path), when code is `invalid`"},
    )


class LocationSchema(InputSchema):
    latitude = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)
    accuracy_m = fields.Float(required=True, validate=validate.Range(min=0), allow_nan=False)
    fixed_at = fields.AwareDateTime(required=True, default_timezone=None)


class VisitInSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "Made on the phone (UUID 4)"})
    cooperative_id = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_ID))
    visited_on = fields.Date(required=True)
    purposes = fields.List(
        fields.String(validate=validate.OneOf(PURPOSES)),
        required=True,
        validate=validate.Length(min=1, max=len(PURPOSES)),
    )
    people_met = text(300)
    notes = text(5000)
    outcome = text(2000)
    follow_up_on = fields.Date(allow_none=True, load_default=None)
    follow_up_action = text(300)
    location = fields.Nested(LocationSchema, allow_none=True, load_default=None)


class PhotoOutSchema(Schema):
    id = fields.String(allow_none=True, required=True, metadata={"description": "The phone's id"})
    url = fields.String(required=True)


class LocationOutSchema(Schema):
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    accuracy_m = fields.Float(required=True, allow_none=True)
    fixed_at = fields.String(required=True, allow_none=True)
    distance_km = fields.Float(
        required=True, allow_none=True, metadata={"description": "From the cooperative's place"}
    )
    geo_uri = fields.String(required=True)


class VisitOutSchema(Schema):
    id = fields.String(allow_none=True, required=True, metadata={"description": "The phone's id"})
    server_id = fields.Integer(required=True)
    cooperative_id = fields.Integer(required=True)
    officer_id = fields.Integer(required=True)
    visited_on = fields.String(required=True)
    purposes = fields.List(fields.String(), required=True)
    people_met = fields.String(allow_none=True, required=True)
    notes = fields.String(allow_none=True, required=True)
    outcome = fields.String(allow_none=True, required=True)
    follow_up_on = fields.String(allow_none=True, required=True)
    follow_up_action = fields.String(allow_none=True, required=True)
    location = fields.Nested(LocationOutSchema, allow_none=True, required=True)
    location_flag = fields.String(
        allow_none=True, required=True, validate=validate.OneOf(["far", "inaccurate"])
    )
    photos = fields.List(fields.Nested(PhotoOutSchema), required=True)
    url = fields.String(required=True)


class VisitConflictSchema(ErrorSchema):
    current = fields.Nested(VisitOutSchema)


class PhotoInSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "Made on the phone (UUID 4)"})
    file = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "JPEG or PNG"},
    )


class RatHeldInSchema(InputSchema):
    id = fields.UUID(required=True, metadata={"description": "Made on the phone (UUID 4)"})
    version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "As last seen"},
    )
    fiscal_year = fields.Integer(required=True, strict=True, validate=validate.Range(1900, 2999))
    held_on = fields.Date(required=True)
    members_present = fields.Integer(
        required=True, strict=True, validate=validate.Range(0, 10_000_000)
    )
    members_total = fields.Integer(
        required=True, strict=True, validate=validate.Range(0, 10_000_000)
    )


MOVE_STAGES = [s.value for s in Stage if s != Stage.NOT_STARTED]


class MoveInSchema(InputSchema):
    """A forward move queued on the phone, sent as a multipart form (the certificate move
    carries the certificate's photo). The evidence fields of `to_stage` are required."""

    id = fields.UUID(required=True, metadata={"description": "Made on the phone (UUID 4)"})
    version = fields.Integer(
        required=True, validate=validate.Range(1, MAX_ID), metadata={"description": "As last seen"}
    )
    to_stage = fields.String(required=True, validate=validate.OneOf(MOVE_STAGES))
    fiscal_year = fields.Integer(validate=validate.Range(1900, 2999))
    held_on = fields.Date()
    members_present = fields.Integer(validate=validate.Range(0, 10_000_000))
    members_total = fields.Integer(validate=validate.Range(0, 10_000_000))
    received_on = fields.Date()
    entered_on = fields.Date()
    entered_by = fields.String(validate=validate.Length(max=200))
    nik = fields.String(validate=validate.Length(max=64))
    issued_on = fields.Date()
    note = text(2000)
    code_nik = fields.String(
        validate=validate.Length(max=64),
        metadata={
            "description": "The NIK read from the certificate's code that the officer was "
            "shown and chose not to use: a typed NIK that differs from the code is refused "
            "without it"
        },
    )
    certificate = fields.Raw(
        metadata={"type": "string", "format": "binary", "description": "JPEG, PNG or PDF"}
    )


class ReadingInSchema(InputSchema):
    certificate = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "JPEG, PNG or PDF"},
    )


class ReadingOutSchema(Schema):
    status = fields.String(
        required=True,
        validate=validate.OneOf(["found", "no_code", "no_nik", "several_niks", "not_read"]),
    )
    nik = fields.String(required=True, allow_none=True)
    message = fields.String(required=True, metadata={"description": "Translated, for people"})


class CooperativeOutSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    regency = fields.String(required=True)
    district = fields.String(allow_none=True, required=True)
    active = fields.Boolean(required=True)
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    version = fields.Integer(required=True)
    nik = fields.String(allow_none=True, required=True)
    url = fields.String(required=True)


class MoveOutSchema(Schema):
    cooperative = fields.Nested(CooperativeOutSchema, required=True)


class ChangeSchema(Schema):
    """The cooperative as it is now (ppkl.domain.CurrentState)."""

    stage = fields.String(required=True)
    version = fields.Integer(required=True)
    active = fields.Boolean(required=True)
    changed_by = fields.String(allow_none=True, required=True)
    changed_at = fields.String(allow_none=True, required=True)
    change = fields.String(
        allow_none=True, required=True, metadata={"description": "Which change, e.g. a move"}
    )


class StaleSchema(ErrorSchema):
    current = fields.Nested(ChangeSchema)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    csrf_token = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "For the session's writes (X-CSRFToken); null with a token"},
    )


class PageQuerySchema(InputSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))


class CooperativeQuerySchema(PageQuerySchema):
    regency = fields.Integer(validate=validate.Range(1, MAX_ID))
    stage = fields.String(validate=validate.OneOf(STAGES))
    q = fields.String(validate=validate.Length(max=100))


class PageOutSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    total_exact = fields.Boolean(required=True)
    pages = fields.Integer(required=True)
    more = fields.Boolean(required=True)


class CooperativePageSchema(PageOutSchema):
    items = fields.List(fields.Nested(CooperativeOutSchema), required=True)


class VisitQuerySchema(PageQuerySchema):
    officer = fields.Integer(validate=validate.Range(1, MAX_ID))


class VisitPageSchema(PageOutSchema):
    items = fields.List(fields.Nested(VisitOutSchema), required=True)


class RecapQuerySchema(InputSchema):
    as_of = fields.Date()


class RecapRowSchema(Schema):
    regency = fields.String(required=True)
    active = fields.Integer(required=True)
    inactive = fields.Integer(required=True)
    total = fields.Integer(required=True)
    certified = fields.Integer(required=True)
    in_progress = fields.Integer(required=True)
    percentage = fields.String(required=True, metadata={"description": "Two decimals"})


class RecapSchema(Schema):
    as_of = fields.String(required=True)
    rows = fields.List(fields.Nested(RecapRowSchema), required=True)
    total = fields.Nested(RecapRowSchema, required=True)
