"""Fixtures: databases made for this run, the app, clients, factories and a query counter.

Set TEST_DATABASE_URL to a PostgreSQL server URL to run the suite there: the run creates
databases of its own on that server and drops them at the end.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, settings

from ppkl.extensions import db
from tests.helpers import (
    FAST_HASH,
    S3_TEST_ENV,
    TEST_PASSWORD,
    DatabaseFactory,
    add_assignment,
    count_queries,
    login,
    make_app,
    migrate_to_head,
    post_form,
    s3_settings,
    seeded_demo_database,
)

# Property tests (tests/test_property_walk.py): "ci", the default, is derandomized and bounded
# so that a run stays well under 90 s per database; "dev" explores more and remembers failures.
_SHARED = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
# No shrinking in CI: each example is a walk of every route, and the assertion names the
# request that failed already.
settings.register_profile(
    "ci",
    max_examples=4,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    **_SHARED,
)
settings.register_profile("dev", max_examples=30, **_SHARED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("db"))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session")
def main_database(databases) -> str:
    url = databases.new("main")
    migrate_to_head(make_app(url))
    return url


@pytest.fixture(scope="session")
def demo_database(databases) -> str:
    """A database with seed-demo loaded (end date 30 June 2019). Tests treat it as read-only."""
    return seeded_demo_database(databases, "demo")


@pytest.fixture
def app(main_database):
    app = make_app(main_database)
    with app.app_context():
        yield app
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def demo_app(demo_database):
    app = make_app(demo_database)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth():
    class Auth:
        @staticmethod
        def login(client, username, password=TEST_PASSWORD):
            response = login(client, username, password)
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
            return response

        @staticmethod
        def logout(client):
            return post_form(client, "/logout", page="/dashboard")

    return Auth()


@pytest.fixture
def make_province(app):
    """A province; the first one made (or found) is the default of the other factories."""
    from ppkl.models import Province

    def make(name="Kalimantan Utara", code="65", **fields):
        fields.setdefault("office_name", f"Dinas Koperasi Provinsi {name}")
        fields.setdefault("office_place", "Tanjung Selor")
        fields.setdefault("signatory_name", "Trianingsih, S.E.")
        fields.setdefault("signatory_title", "Kepala Bidang Koperasi dan UMKM")
        fields.setdefault("timezone", "Asia/Makassar")
        province = Province(name=name, code=code, **fields)
        db.session.add(province)
        db.session.commit()
        return province

    return make


@pytest.fixture
def default_province(app, make_province):
    def get():
        from ppkl.models import Province

        return db.session.query(Province).order_by(Province.id).first() or make_province()

    return get


@pytest.fixture
def make_regency(app, default_province):
    from ppkl.models import Regency

    def make(name="Bulungan", code=None, province=None):
        province = province or default_province()
        regency = Regency(name=name, code=code, province_id=province.id)
        db.session.add(regency)
        db.session.commit()
        return regency

    return make


@pytest.fixture
def make_user(app, make_regency, default_province):
    from ppkl.auth.passwords import hash_password
    from ppkl.models import Regency, User

    def make(username="user", role="supervisor", regency=None, password=TEST_PASSWORD, **fields):
        if regency is None and role in ("ppkl", "dak"):
            regency = db.session.query(Regency).first() or make_regency()
        if "province" in fields:
            province = fields.pop("province")
        elif regency is not None:
            province = db.session.get(type(regency), regency.id).province
        elif role in ("supervisor", "ppkl", "dak"):
            province = default_province()
        else:
            province = None
        user = User(
            username=username,
            full_name=fields.pop("full_name", username.title()),
            role=role,
            regency_id=regency.id if regency else None,
            province_id=province.id if province else None,
            cohort_year=fields.pop("cohort_year", 2019 if role == "dak" else None),
            password_hash=hash_password(password, FAST_HASH),
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_cooperative(app, make_regency):
    from ppkl.models import Cooperative, Regency

    counter = iter(range(1, 100_000))

    def make(**overrides):
        regency = overrides.pop("regency", None)
        if regency is None:
            regency = db.session.query(Regency).first() or make_regency()
        n = next(counter)
        fields = {"name": f"Koperasi Uji {n}", "district": "Tanjung Selor", "members": 30}
        fields.update(overrides)
        coop = Cooperative(regency_id=regency.id, **fields)
        db.session.add(coop)
        db.session.commit()
        return coop

    return make


@pytest.fixture
def query_counter(app):
    return lambda: count_queries(db.engine)


@pytest.fixture
def extra_app(app, main_database):
    """Another app instance on the test database, with its own settings; its engine is closed
    afterwards and the `app` fixture cleans the rows."""
    made = []

    def make(**overrides):
        other = make_app(main_database, **overrides)
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


# --- shared storage ---


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible server (moto's) on a free loopback port, for the whole run."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as patch:
        for name, value in S3_TEST_ENV.items():
            patch.setenv(name, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture(scope="session")
def s3_client(s3_endpoint):
    from ppkl.storage.s3 import make_client

    return make_client(s3_endpoint, "us-east-1", "path")


@pytest.fixture
def s3_storage_settings(s3_endpoint, s3_client) -> dict:
    """Settings for the S3 backend on a new, empty bucket of the test server."""
    bucket = f"ppkl-test-{uuid.uuid4().hex[:16]}"
    s3_client.create_bucket(Bucket=bucket)
    return s3_settings(s3_endpoint, bucket)


# --- field work ---


@pytest.fixture
def assign(app):
    return add_assignment


@pytest.fixture
def make_visit(app):
    from ppkl.clock import utcnow
    from ppkl.cooperatives.facts import refresh_facts
    from ppkl.models import Visit

    def make(cooperative, officer, visited_on, follow_up_on=None, **fields):
        fields.setdefault("purposes", ["pembinaan"])
        fields.setdefault("created_at", utcnow())
        visit = Visit(
            cooperative_id=cooperative.id,
            officer_id=officer.id,
            visited_on=visited_on,
            follow_up_on=follow_up_on,
            **fields,
        )
        db.session.add(visit)
        # As the visit services do: the stored facts follow in the same transaction.
        refresh_facts(db.session, [cooperative.id])
        db.session.commit()
        return visit

    return make


@pytest.fixture
def rq_queue(app):
    """A queue of this run's own on the shared Redis (report batches and large imports);
    every key it made is removed after."""
    from redis import Redis

    from ppkl.background import redis_queue

    name = f"ppkl-test-{uuid.uuid4().hex[:12]}"
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/0", REPORT_QUEUE=name)
    queue = redis_queue(app)
    yield queue
    queue.delete(delete_jobs=True)
    redis = Redis.from_url(app.config["REDIS_URL"])
    leftovers = list(redis.scan_iter(f"*{name}*"))
    if leftovers:
        redis.delete(*leftovers)
