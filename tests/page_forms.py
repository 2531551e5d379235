"""Read a form from a page as a browser would submit it: hidden inputs, ticked boxes, the
selected options and the text areas. Tests that open a page in two clients and submit both
use it, so they send exactly what the page carried (version, target stage, ...)."""

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class FormData(MultiDict):
    """A page's form; `update` replaces a field's value as typing into it would."""

    def update(self, mapping=(), **fields):
        for name, value in {**dict(mapping), **fields}.items():
            self[name] = value


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        if self._form is not None and name:
            self._form["fields"].append((name, value))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "fields": []}
            self.forms.append(self._form)
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(a.get("name"), a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select":
            self._select = {"name": a.get("name"), "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or [self._select["first"]]
            for value in chosen:
                if value is not None:
                    self._add(self._select["name"], value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._add(name, text.removeprefix("\r\n").removeprefix("\n"))
            self._textarea = None
        elif tag == "form":
            self._form = None


def page_form(html: str, field: str = "version", method: str = "post") -> FormData:
    """The fields of the first form (of that method) on the page that has `field`."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["attrs"].get("method", "get").lower() != method:
            continue
        if any(name == field for name, _value in form["fields"]):
            return FormData(form["fields"])
    raise AssertionError(f"no {method} form with a field {field!r} on the page")


def open_form(client, url: str, field: str = "version") -> FormData:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return page_form(response.get_data(as_text=True), field)
