"""ppkl: the application factory."""

import logging
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

from ppkl.config import DEFAULT_SECRET_KEY, Config, environment_overrides
from ppkl.transaction import App

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the top of a checkout


class InsecureConfiguration(RuntimeError):
    pass


class InvalidConfiguration(RuntimeError):
    pass


def installed() -> bool:
    """True in an installed wheel: its build copies templates/ into the package."""
    return (PACKAGE / "templates").is_dir()


def bundled(name: str) -> Path:
    """templates/ or migrations/: inside the package when installed from a wheel, at the top of
    the checkout otherwise (editable install, make run, the tests)."""
    return PACKAGE / name if installed() else ROOT / name


def instance_path() -> str | None:
    """A checkout keeps instance/ at its top; an installed package takes Flask's default,
    <venv>/var/ppkl-instance."""
    return None if installed() else str(ROOT / "instance")


def create_app(test_config: dict | None = None) -> Flask:
    app = App(
        __name__,
        instance_path=instance_path(),
        instance_relative_config=True,
        template_folder=str(bundled("templates")),
    )
    app.config.from_object(Config)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(environment_overrides())
        app.config.from_prefixed_env("PPKL")
    else:
        app.config.update(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        # A fresh install has no instance folder yet, and SQLite does not make directories.
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'ppkl.sqlite'}"
        )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_engine_options(app.config)
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgres"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = postgresql_engine_options(app.config)
    if app.config["PRODUCTION"]:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    check_secret_key(app)
    check_timezone(app)
    check_storage(app)

    from ppkl import logs

    logs.install()
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("ppkl").setLevel(logging.INFO)
    from ppkl.converters import DatabaseIntConverter

    # Before any route is added: every <int:...> in a path is bounded to the database's range.
    app.url_map.converters["int"] = DatabaseIntConverter
    init_extensions(app)
    register_blueprints(app)

    from ppkl import cli, errors, i18n, security, validation_messages

    security.init_app(app)

    errors.register(app)
    i18n.register(app)
    validation_messages.install()
    cli.register(app)
    return app


def sqlite_engine_options(config) -> dict:
    """SQLite lets one writer in at a time: wait for the lock (SQLITE_BUSY_TIMEOUT seconds)
    instead of failing after pysqlite's default 5 s while a report worker holds it."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    connect_args = dict(options.get("connect_args", {}))
    connect_args.setdefault("timeout", config["SQLITE_BUSY_TIMEOUT"])
    options["connect_args"] = connect_args
    return options


def postgresql_engine_options(config) -> dict:
    """PostgreSQL's JIT compiles a large query for up to 1.7 s before running it for less: the
    app's connections turn it off unless POSTGRES_JIT is true (docs/performance.md)."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    if config["POSTGRES_JIT"]:
        return options
    connect_args = dict(options.get("connect_args", {}))
    server_options = connect_args.get("options", "")
    connect_args["options"] = f"{server_options} -c jit=off".strip()
    options["connect_args"] = connect_args
    return options


def check_secret_key(app: Flask) -> None:
    if app.debug or app.testing:
        return
    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise InsecureConfiguration(
            "ppkl refuses to start with the default SECRET_KEY. Set the SECRET_KEY environment "
            "variable or SECRET_KEY in instance/config.py to a long random value, for example "
            "the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )


def check_timezone(app: Flask) -> None:
    """TIMEZONE decides office days everywhere (ppkl.clock) and how Babel shows timestamps."""
    name = app.config["TIMEZONE"]
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise InvalidConfiguration(
            f"TIMEZONE {name!r} is not a time zone name of the IANA database, "
            "for example Asia/Makassar (WITA), Asia/Jakarta (WIB) or Asia/Jayapura (WIT)"
        ) from error
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", name)


def check_storage(app: Flask) -> None:
    from ppkl.storage.app import configuration_problem

    problem = configuration_problem(app.config)
    if problem:
        raise InvalidConfiguration(problem)


def init_extensions(app: Flask) -> None:
    from ppkl import access, i18n
    from ppkl.auth import sessions
    from ppkl.extensions import babel, bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(bundled("migrations")))
    csrf.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    sessions.init_login(app, login_manager)
    app.before_request(access.enforce_route_access)
    access.register_template_helpers(app)


def register_blueprints(app: Flask) -> None:
    from ppkl.admin.blueprint import bp as admin_bp
    from ppkl.api.blueprint import init_app as init_api
    from ppkl.audit.blueprint import bp as auditlog_bp
    from ppkl.auth.blueprint import bp as auth_bp
    from ppkl.certification.blueprint import bp as certification_bp
    from ppkl.cooperatives.blueprint import bp as cooperatives_bp
    from ppkl.dashboard.blueprint import bp as dashboard_bp
    from ppkl.health.blueprint import bp as health_bp
    from ppkl.ods.blueprint import bp as ods_bp
    from ppkl.reports.blueprint import bp as reports_bp
    from ppkl.transfer.blueprint import bp as transfer_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(cooperatives_bp, url_prefix="/cooperatives")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(certification_bp, url_prefix="/certification")
    app.register_blueprint(health_bp)
    app.register_blueprint(auditlog_bp, url_prefix="/admin/audit")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(transfer_bp)
    app.register_blueprint(ods_bp, url_prefix="/ods")
    register_fieldwork_blueprints(app)
    init_api(app)


def register_fieldwork_blueprints(app: Flask) -> None:
    from ppkl.assignments.blueprint import bp as assignments_bp
    from ppkl.roster.blueprint import bp as roster_bp
    from ppkl.tasks.blueprint import bp as tasks_bp
    from ppkl.visits.blueprint import bp as visits_bp

    app.register_blueprint(assignments_bp, url_prefix="/assignments")
    app.register_blueprint(roster_bp, url_prefix="/roster")
    app.register_blueprint(tasks_bp, url_prefix="/tasks")
    app.register_blueprint(visits_bp, url_prefix="/visits")
