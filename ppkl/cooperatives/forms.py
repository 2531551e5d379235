from flask_babel import lazy_gettext as _l
from wtforms import FloatField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ppkl.cooperatives.services import CooperativeDetails
from ppkl.forms import Form, IntegerField
from ppkl.inputs import db_int
from ppkl.workflow import NAME_MAX

DETAILS_MESSAGES = {
    "legal_entity_number_taken": _l("Another cooperative already has this legal entity number."),
    "location_invalid": _l("This is not a position on Earth."),
    "visit_without_location": _l("This visit has no recorded position."),
}


class CooperativeForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    regency_id = SelectField(_l("Regency"), coerce=db_int, validators=[DataRequired()])
    district = StringField(_l("District"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    legal_entity_number = StringField(
        _l("Legal entity number"), validators=[Optional(), Length(max=100)]
    )
    sector = StringField(_l("Sector"), validators=[Optional(), Length(max=100)])
    members = IntegerField(
        _l("Members"), validators=[Optional(), NumberRange(min=0, max=10_000_000)]
    )
    version = HiddenField()

    def details(self) -> CooperativeDetails:
        return CooperativeDetails(
            name=self.name.data,
            regency_id=self.regency_id.data,
            district=self.district.data,
            address=self.address.data,
            legal_entity_number=self.legal_entity_number.data,
            sector=self.sector.data,
            members=self.members.data,
        )


class LocationForm(Form):
    """A cooperative's place: typed in, or taken from one of its visits (visit_id)."""

    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    visit_id = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.visit_id.data is None and (
            self.latitude.data is None or self.longitude.data is None
        ):
            self.latitude.errors = [*self.latitude.errors, _l("Give both latitude and longitude.")]
            return False
        return True
