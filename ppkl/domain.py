"""The base of refused domain changes: services raise them, views map them onto form fields."""


class FieldError(ValueError):
    """A refused change; field names the form field, code the reason (a message key)."""

    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code
