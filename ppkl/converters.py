"""URL converters of the app."""

from werkzeug.routing import IntegerConverter

from ppkl.inputs import DB_INT_MAX


class DatabaseIntConverter(IntegerConverter):
    """The `int` URL converter, bounded: /cooperatives/99999999999999999999 is a 404, not a
    query the database refuses."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)
