from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ppkl.cooperatives.services import CooperativeDetails
from ppkl.workflow import NAME_MAX

DETAILS_MESSAGES = {
    "legal_entity_number_taken": _l("Another cooperative already has this legal entity number."),
}


class CooperativeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    regency_id = SelectField(_l("Regency"), coerce=int, validators=[DataRequired()])
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
