"""Import cooperatives from a file: read, plan against the database, apply in one transaction."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, any_, bindparam, false, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ppkl import audit
from ppkl.clock import utcnow
from ppkl.cooperatives.facts import refresh_facts
from ppkl.coverage import NATION, regency_scope, scope, scope_province_id, sees_nation
from ppkl.models import Cooperative, CooperativeHistory, HistoryKind, Province, Regency
from ppkl.models.cooperative import search_key
from ppkl.recap_past import restate_regencies, store_month_ends
from ppkl.transfer.bulk import insert_returning_ids, insert_rows, is_postgresql, update_versioned
from ppkl.transfer.matching import Existing, Keys
from ppkl.transfer.planning import (
    BATCH_ROWS,
    STORED,
    Change,
    Context,
    ImportPlan,
    plan_import,
    province_key,
    regency_key,
)
from ppkl.transfer.tabular import Limits, open_table

log = logging.getLogger(__name__)


COOPERATIVES_IMPORTED = audit.AuditAction("cooperatives.imported", _l("Cooperatives imported"))

EXISTING_COLUMNS = [
    Cooperative.id,
    Cooperative.version,
    Cooperative.name,
    Cooperative.regency_id,
    Cooperative.district,
    Cooperative.address,
    Cooperative.legal_entity_number,
    Cooperative.nik,
    Cooperative.sector,
    Cooperative.members,
    Cooperative.active,
    Cooperative.stage,
]


WRITTEN = (*STORED, "regency_id", "active", "stage")


class ConcurrentChange(Exception):
    """A cooperative changed between reading and writing; nothing of the import is kept."""


@dataclass
class ImportResult:
    filename: str
    plan: ImportPlan
    applied: bool
    reason_missing: bool = False  # backward stages or deactivations need a reason

    @property
    def created(self) -> int:
        return self.plan.created

    @property
    def updated(self) -> int:
        return self.plan.updated

    @property
    def unchanged(self) -> int:
        return self.plan.unchanged

    def summary(self) -> str:
        counts = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        if self.plan.changes_nothing:
            return f"{counts}: nothing changed, the database already holds every row"
        return counts


@dataclass(frozen=True)
class ImportOptions:
    nik_pattern: str
    limits: Limits = Limits()
    create_regencies: bool = False
    dry_run: bool = False
    reason: str | None = None  # once per file, for the rows that go backward or deactivate
    # A dry run counts the changes without keeping them: memory stays flat for a national
    # register; the web's preview needs the changes kept. (Applying never keeps them.)
    stream: bool = False
    province: str | None = None  # the province of rows without one (name or code)


def import_options(
    config,
    create_regencies: bool,
    dry_run: bool,
    reason: str | None = None,
    cli: bool = False,
    province: str | None = None,
) -> ImportOptions:
    """The options from the app's settings (NIK_PATTERN, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS;
    the command line's own IMPORT_CLI_MAX_BYTES and IMPORT_CLI_MAX_ROWS)."""
    prefix = "IMPORT_CLI" if cli else "IMPORT"
    limits = Limits(
        max_bytes=config[f"{prefix}_MAX_BYTES"],
        max_rows=config[f"{prefix}_MAX_ROWS"],
        max_unpacked_bytes=config["IMPORT_MAX_UNPACKED_BYTES"],
        max_shared_strings_bytes=config["IMPORT_MAX_SHARED_STRINGS_BYTES"],
    )
    reason = (reason or "").strip() or None
    return ImportOptions(
        config["NIK_PATTERN"], limits, create_regencies, dry_run, reason, cli, province or None
    )


class UnknownProvince(ValueError):
    """The --province option names no province the importer may write to."""


def import_provinces(session: Session, user) -> dict[str, tuple[int, str]]:
    """province_key(name) and province_key(code) -> (id, name), within the importer's scope."""
    found: dict[str, tuple[int, str]] = {}
    province_id = scope_province_id(user)
    stmt = select(Province.id, Province.name, Province.code)
    if not sees_nation(user):
        stmt = stmt.where(Province.id == province_id) if province_id else stmt.where(false())
    for pid, name, code in session.execute(stmt):
        found[province_key(name)] = found[province_key(code)] = (pid, name)
    return found


def default_province(user, provinces: dict[str, tuple[int, str]], option: str | None) -> int | None:
    """Rows naming no province belong to the option's province, else the importer's, else
    (the nation) the only province there is."""
    if option:
        found = provinces.get(province_key(option))
        if found is None:
            raise UnknownProvince(option)
        return found[0]
    own = scope_province_id(user)
    if own is not None:
        return own
    ids = {pid for pid, _name in provinces.values()}
    return ids.pop() if len(ids) == 1 else None


def import_cooperatives(
    session: Session,
    user,
    filename: str,
    data: bytes,
    options: ImportOptions,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Check the file's rows and, unless a dry run, write their changes in batches as they come.
    A problem, or a reason missing, leaves the result not applied: the caller rolls back what
    was written (one transaction, all rows or none). `on_progress` hears the rows checked and
    the changes written so far, after each batch."""
    table = open_table(filename, data, options.limits)
    context = import_context(session, user, options)
    if options.dry_run:
        plan = plan_import(table, context, on_change=forget if options.stream else None)
        return ImportResult(filename, plan, applied=False)
    # One pass: writing while checking costs a file with problems a rollback, and saves every
    # good file a second reading (a national register's check took as long as its writes).
    writer = Writer(session, user, filename, options.reason)
    heard = (lambda checked: on_progress(checked, writer.written)) if on_progress else None
    plan = plan_import(table, context, on_change=writer.add, on_batch=heard)
    result = ImportResult(filename, plan, applied=False)
    if not plan.ok:
        return result
    if plan.needs_reason and not options.reason:
        result.reason_missing = True  # as the screens ask for a correction: nothing kept
        return result
    writer.finish()
    who = {"user": user} if user is not None else {"username": "cli"}
    audit.record(
        COOPERATIVES_IMPORTED,
        target=filename,
        **who,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        new_regencies=plan.new_regencies,
    )
    result.applied = True
    log.info("import of %s: %s", filename, result.summary())
    return result


def import_context(session: Session, user, options: ImportOptions) -> Context:
    """What the planner checks rows against. The file reaches only the importer's scope:
    another province's regencies are unknown names and its cooperatives never match. A
    command without --as acts for the nation."""
    actor = user or NATION
    regencies = session.execute(
        select(Regency.id, Regency.name, Regency.province_id).where(regency_scope(actor))
    ).all()
    provinces = import_provinces(session, actor)
    by_key = {regency_key(name): (rid, name) for rid, name, _pid in regencies}
    return Context(
        regencies=by_key,
        keys=load_keys(session, actor, {rid: name for rid, name in by_key.values()}),
        fetch=lambda ids: read_existing(session, ids),
        nik_pattern=options.nik_pattern,
        create_regencies=options.create_regencies,
        provinces=provinces,
        regency_provinces={rid: pid for rid, _name, pid in regencies},
        default_province=default_province(actor, provinces, options.province),
    )


def load_keys(session: Session, user, regency_names: dict[int, str]) -> Keys:
    """Every cooperative's match keys in one query, read in batches (the driver never holds a
    national register's rows twice). Looking up the file's keys instead takes thousands of
    bound parameters, which PostgreSQL's generic plans for prepared statements scan row by
    row."""
    stmt = select(
        Cooperative.id,
        Cooperative.nik,
        Cooperative.legal_entity_number,
        Cooperative.regency_id,
        Cooperative.name,
    ).where(scope(user))
    return Keys(session.execute(stmt.execution_options(yield_per=BATCH_ROWS)), regency_names)


def read_existing(session: Session, ids: list[int]) -> dict[int, Existing]:
    """The comparable columns of these cooperatives (ids from the keys, so within scope)."""
    stmt = select(*EXISTING_COLUMNS)
    if is_postgresql(session):
        # One array parameter: the plan is the same whatever the number of ids.
        stmt = stmt.where(Cooperative.id == any_(bindparam("ids", ids, type_=ARRAY(Integer))))
    else:
        stmt = stmt.where(Cooperative.id.in_(ids))
    return {row.id: Existing(*row) for row in session.execute(stmt)}


def forget(change: Change) -> None:
    """A change not kept."""


class Writer:
    """Writes the changes in batches of BATCH_ROWS with bulk statements only (ppkl.transfer.bulk),
    never one per row: memory stays flat whatever the number of rows. (The ORM's bulk insert
    splits rows by which values are None, which here means thousands of statements.)"""

    def __init__(self, session: Session, user, filename: str, reason: str | None = None):
        self.session = session
        self.user = user
        self.filename = filename
        self.reason = reason
        self.now = utcnow()
        self.regency_ids: dict[str, int] = {}
        self.creates: list[Change] = []
        self.updates: list[Change] = []
        self.moved_between: set[int] = set()  # regencies a cooperative left or joined
        self.written = 0  # changes written so far

    def create_regencies(self, changes: list[Change]) -> None:
        """The new regencies these changes name, each in its rows' province, once."""
        new = [c for c in changes if c.values["regency_id"] is None]
        wanted = {
            c.values["regency"]: c.new_regency_province
            for c in new
            if regency_key(c.values["regency"]) not in self.regency_ids
        }
        if wanted:
            rows = self.session.execute(
                insert(Regency.__table__).returning(Regency.id, Regency.name),
                [{"name": name, "province_id": pid} for name, pid in wanted.items()],
            )
            self.regency_ids.update((regency_key(name), rid) for rid, name in rows)
        for change in new:
            change.values["regency_id"] = self.regency_ids[regency_key(change.values["regency"])]

    def add(self, change: Change) -> None:
        (self.creates if change.existing is None else self.updates).append(change)
        if len(self.creates) + len(self.updates) >= BATCH_ROWS:
            self.write()

    def write(self) -> None:
        self.create_regencies(self.creates + self.updates)
        if self.creates:
            insert_new(self.session, self.creates, self.now)
        if self.updates:
            update_existing(self.session, self.updates, self.now, self.user)
        history = [
            history_row(c, self.user, self.filename, self.now, self.reason)
            for c in self.creates + self.updates
        ]
        history = [row for row in history if row is not None]
        if history:
            insert_rows(self.session, CooperativeHistory.__table__, history)
        refresh_facts(
            self.session,
            [c.values["id"] for c in self.creates] + [r["cooperative_id"] for r in history],
        )
        for change in self.updates:
            if change.existing.regency_id != change.values["regency_id"]:
                self.moved_between.update((change.existing.regency_id, change.values["regency_id"]))
        self.written += len(self.creates) + len(self.updates)
        self.creates, self.updates = [], []

    def finish(self) -> None:
        self.write()
        restate_regencies(self.session, self.moved_between)
        store_month_ends(self.session)
        self.session.flush()
        self.session.expire_all()


def insert_new(session: Session, creates: list[Change], now) -> None:
    """New cooperatives in bulk. Name, regency and identifiers tell the rows apart: the
    planner refuses files where they would not."""
    rows = [
        {**cooperative_columns(c.values), "version": 1, "created_at": now, "updated_at": now}
        for c in creates
    ]
    ids = insert_returning_ids(
        session,
        Cooperative.__table__,
        rows,
        key=lambda r: (r["name"], r["regency_id"], r["legal_entity_number"], r["nik"]),
    )
    for change, new_id in zip(creates, ids, strict=True):
        change.values["id"] = new_id


def cooperative_columns(values: dict) -> dict:
    return {**{c: values[c] for c in WRITTEN}, "search_name": search_key(values["name"])}


def update_existing(session: Session, updates: list[Change], now, user=None) -> None:
    """The changed cooperatives in bulk, each guarded by its version (optimistic concurrency)."""
    rows = [
        {"id": c.existing.id, "version": c.existing.version, **cooperative_columns(c.values)}
        for c in updates
    ]
    fixed = {
        "updated_at": now,
        # Who changed it, for a page opened before the import (ppkl.cooperatives.changes).
        "changed_by_id": getattr(user, "id", None),
        "last_change": COOPERATIVES_IMPORTED.code,
    }
    count = update_versioned(session, Cooperative.__table__, rows, fixed)
    if count not in (-1, len(rows)):
        raise ConcurrentChange(f"{len(rows) - count} cooperatives changed meanwhile")


def history_row(change, user, filename: str, now, reason: str | None = None) -> dict | None:
    """The cooperative's own history notes the import's stage and status changes, with the
    file's reason on each (given once for the file)."""
    if not change.status_changed:
        return None
    before = change.existing
    return {
        "cooperative_id": before.id if before else change.values["id"],
        "kind": HistoryKind.IMPORT.value,
        "from_stage": before.stage if before else None,
        "to_stage": change.values["stage"],
        "from_active": before.active if before else None,
        "to_active": change.values["active"],
        "note": f"{filename}: {reason}" if reason else filename,
        "evidence": {"file": filename, "row": change.row, **({"reason": reason} if reason else {})},
        "user_id": getattr(user, "id", None),
        "created_at": now,
    }
