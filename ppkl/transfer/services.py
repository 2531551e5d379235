"""Import cooperatives from a file: read, plan against the database, apply in one transaction."""

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, false, insert, select, update
from sqlalchemy.orm import Session

from ppkl import audit
from ppkl.clock import utcnow
from ppkl.cooperatives.facts import refresh_facts
from ppkl.coverage import NATION, regency_scope, scope, scope_province_id, sees_nation
from ppkl.models import Cooperative, CooperativeHistory, HistoryKind, Province, Regency
from ppkl.models.cooperative import search_key
from ppkl.recap_past import restate_regencies, store_month_ends
from ppkl.transfer.bulk import insert_returning_ids, insert_rows
from ppkl.transfer.planning import (
    STORED,
    Change,
    Context,
    Existing,
    ImportPlan,
    plan_import,
    province_key,
    regency_key,
)
from ppkl.transfer.tabular import Limits, open_table

# Changes written per round of bulk statements.
BATCH_ROWS = 5_000

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
    # Read the file twice (check, then apply in batches) instead of keeping every change:
    # memory stays flat for a national register; the web's preview needs the changes kept.
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
    session: Session, user, filename: str, data: bytes, options: ImportOptions
) -> ImportResult:
    """Plan the file's changes and, unless a dry run or a single problem, write them all."""
    table = open_table(filename, data, options.limits)
    # The file reaches only the importer's scope: another province's regencies are unknown
    # names and its cooperatives never match. A command without --as acts for the nation.
    actor = user or NATION
    regencies = session.execute(
        select(Regency.id, Regency.name, Regency.province_id).where(regency_scope(actor))
    ).all()
    provinces = import_provinces(session, actor)
    context = Context(
        regencies={regency_key(name): (rid, name) for rid, name, _pid in regencies},
        existing=load_existing(session, actor),
        nik_pattern=options.nik_pattern,
        create_regencies=options.create_regencies,
        provinces=provinces,
        regency_provinces={rid: pid for rid, _name, pid in regencies},
        default_province=default_province(actor, provinces, options.province),
    )
    # A streamed import's first pass keeps only the counts and problems.
    plan = plan_import(table, context, on_change=forget if options.stream else None)
    result = ImportResult(filename, plan, applied=False)
    if not plan.ok or options.dry_run:
        return result
    if plan.needs_reason and not options.reason:
        result.reason_missing = True  # as the screens ask for a correction: nothing written
        return result
    if not plan.changes_nothing:
        writer = Writer(session, user, filename, options.reason)
        writer.create_regencies(plan.new_regency_provinces)
        if options.stream:
            plan_import(table, context, on_change=writer.add)
        else:
            for change in plan.creates + plan.updates:
                writer.add(change)
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


def load_existing(session: Session, user) -> list[Existing]:
    """Every cooperative's comparable columns in one query. A province's register is thousands
    of rows, read in milliseconds; looking up the file's keys instead takes thousands of bound
    parameters, which PostgreSQL's generic plans for prepared statements scan row by row."""
    stmt = select(*EXISTING_COLUMNS).where(scope(user))
    rows = session.execute(stmt.execution_options(yield_per=BATCH_ROWS))
    # Read in batches: the driver never holds a national register's rows twice.
    return [Existing(*row) for row in rows]


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

    def create_regencies(self, provinces: dict[str, int]) -> None:
        """The file's new regencies (name -> province id), each in its rows' province."""
        if provinces:
            rows = self.session.execute(
                insert(Regency.__table__).returning(Regency.id, Regency.name),
                [{"name": name, "province_id": pid} for name, pid in provinces.items()],
            )
            self.regency_ids = {regency_key(name): rid for rid, name in rows}

    def add(self, change: Change) -> None:
        values = change.values
        if values["regency_id"] is None:
            values["regency_id"] = self.regency_ids[regency_key(values["regency"])]
        (self.creates if change.existing is None else self.updates).append(change)
        if len(self.creates) + len(self.updates) >= BATCH_ROWS:
            self.write()

    def write(self) -> None:
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
    """One executemany UPDATE guarded by each row's version (optimistic concurrency)."""
    table = Cooperative.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(
            **{c: bindparam(f"v_{c}") for c in (*WRITTEN, "search_name")},
            version=bindparam("b_new_version"),
            updated_at=now,
            # Who changed it, for a page opened before the import (ppkl.cooperatives.changes).
            changed_by_id=getattr(user, "id", None),
            last_change=COOPERATIVES_IMPORTED.code,
        )
    )
    params = [
        {
            **{f"v_{c}": value for c, value in cooperative_columns(c.values).items()},
            "b_id": c.existing.id,
            "b_version": c.existing.version,
            "b_new_version": c.existing.version + 1,
        }
        for c in updates
    ]
    result = session.connection().execute(stmt, params)
    if result.rowcount not in (-1, len(params)):
        raise ConcurrentChange(f"{len(params) - result.rowcount} cooperatives changed meanwhile")


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
