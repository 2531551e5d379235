"""Base class of the errors services raise for a refused input, which views show by a field."""


class FieldError(ValueError):
    """A refused change: `field` names the form field, `code` the reason (a message key)."""

    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code
