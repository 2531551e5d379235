"""WeasyPrint's URL fetcher loads the app's static files only."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from ppkl.reports.fetcher import INTERNAL_BASE, FetchRefused, StaticOnlyFetcher
from ppkl.reports.render import html_to_pdf


def png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def fetcher(app):
    return StaticOnlyFetcher(app.static_folder, app.static_url_path)


def test_serves_a_static_file(fetcher, app):
    response = fetcher.fetch(INTERNAL_BASE + "static/report.css")
    assert b"table-layout: fixed" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.com/static/report.css",
        "https://ppkl.invalid/static/report.css",
        "http://127.0.0.1:5000/static/report.css",
        "http://ppkl.invalid/static/../../ppkl/config.py",
        "http://ppkl.invalid/static/%2e%2e/%2e%2e/ppkl/config.py",
        "http://ppkl.invalid/admin/users/",
        "http://ppkl.invalid/static/no-such-file.css",
        "data:text/css,body{color:red}",
        "ftp://example.com/x.css",
    ],
)
def test_refuses_everything_else(fetcher, url):
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)


def images_in(pdf: bytes) -> int:
    count = 0
    for page in PdfReader(BytesIO(pdf)).pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        count += len(xobjects)
    return count


def test_a_document_cannot_pull_in_a_local_file(app, tmp_path):
    picture = tmp_path / "secret.png"
    picture.write_bytes(png())
    html = f'<p>x</p><img src="file://{picture}"><img src="http://example.com/x.png">'
    with app.test_request_context():
        pdf, pages = html_to_pdf(html)
    assert pages == 1 and images_in(pdf) == 0


def test_the_same_document_loads_a_static_image(app, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "dot.png").write_bytes(png())
    app.static_folder = str(static)
    with app.test_request_context():
        pdf, _ = html_to_pdf('<img src="/static/dot.png">')
    assert images_in(pdf) == 1
