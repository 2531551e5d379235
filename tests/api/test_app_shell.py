"""/manifest.webmanifest and /sw.js: public, from the root, never cached stale."""

import pytest


@pytest.fixture
def shell(app, tmp_path):
    (tmp_path / "manifest.webmanifest").write_text('{"start_url": "/tasks/"}')
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    app.config["APP_SHELL_DIR"] = str(tmp_path)


def test_service_worker_is_served_from_the_root_with_scope_allowed(client, shell):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert b"addEventListener" in response.data
    response.close()


def test_manifest_is_public_with_its_media_type(client, shell):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.get_json(force=True)["start_url"] == "/tasks/"
    response.close()
