"""The schema comes only from migrations: upgrade, match the models, downgrade to base."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from ppkl.extensions import db
from tests.helpers import make_app


def test_upgrade_matches_models_and_downgrade_empties(databases):
    app = make_app(databases.new("migrations"))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"cooperative", "regency", "user_account", "cooperative_history"} <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "cooperative" in inspect(db.engine).get_table_names()
        db.engine.dispose()
