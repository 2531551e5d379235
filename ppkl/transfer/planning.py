"""Validate a cooperative file against the database's current state and plan the changes.

Plain Python: the caller loads the regencies and the existing cooperatives' keys, and reads
the cooperatives a batch of rows matches (see ppkl.transfer.services); it applies the plan in
one transaction. Every problem is collected, so the user sees them all at once; a plan with
problems is never applied.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from ppkl.transfer.columns import (
    ACTIVE_WORDS,
    FIELDS,
    HEADER_FIELDS,
    REQUIRED,
    STAGE_WORDS,
    normalise_header,
    normalise_word,
    unneutralise,
)
from ppkl.transfer.matching import Existing, Fetch, Keys, name_key, regency_key
from ppkl.transfer.problems import PROBLEMS, Problem
from ppkl.transfer.tabular import Table
from ppkl.workflow import NAME_MAX, Stage, is_backward_move, nik_matches, stage_for

MAX_LENGTHS = {
    "name": NAME_MAX,
    "regency": 100,
    "district": 100,
    "address": 300,
    "legal_entity_number": 100,
    "nik": 32,
    "sector": 100,
    "province": 100,
}
MAX_MEMBERS = 2**31 - 1  # the column is a 32-bit integer
# Columns written to the cooperative row; regency is resolved to regency_id by the service.
STORED = ("name", "district", "address", "legal_entity_number", "nik", "sector", "members")
# Rows checked per round: the cooperatives they match are read in one query.
BATCH_ROWS = 5_000


@dataclass(slots=True)
class Change:
    row: int
    values: dict  # STORED columns plus regency (a name), active and stage
    existing: Existing | None = None
    old_regency: str | None = None  # the existing cooperative's regency name
    new_regency_province: int | None = None  # the province of a regency the file creates

    @property
    def status_changed(self) -> bool:
        e = self.existing
        return e is None or (e.stage, e.active) != (self.values["stage"], self.values["active"])

    @property
    def differences(self) -> list[tuple[str, object, object]]:
        """(field, old, new) of each field an update changes, in the file's column order."""
        e = self.existing
        if e is None:
            return []
        found = [
            (c, getattr(e, c), self.values[c]) for c in STORED if getattr(e, c) != self.values[c]
        ]
        if e.regency_id != self.values["regency_id"]:
            found.insert(1, ("regency", self.old_regency, self.values["regency"]))
        for column in ("stage", "active"):
            if getattr(e, column) != self.values[column]:
                found.append((column, getattr(e, column), self.values[column]))
        return found

    @property
    def goes_backward(self) -> bool:
        e = self.existing
        return e is not None and is_backward_move(e.stage, self.values["stage"])

    @property
    def deactivates(self) -> bool:
        return self.existing is not None and self.existing.active and not self.values["active"]

    @property
    def needs_reason(self) -> bool:
        """Changes the screens allow only as a correction, with a written reason."""
        return self.goes_backward or self.deactivates


@dataclass
class ImportPlan:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # The changes themselves, unless the planner hands them on (plan_import's on_change).
    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    # The updates that go back a stage or deactivate: always kept, they need a reason.
    need_reason: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    new_regencies: list[str] = field(default_factory=list)
    new_regency_provinces: dict[str, int] = field(default_factory=dict)  # name -> province id

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def needs_reason(self) -> bool:
        return bool(self.need_reason)

    @property
    def changes_nothing(self) -> bool:
        return not (self.created or self.updated or self.new_regencies)


@dataclass(frozen=True)
class Context:
    regencies: dict[str, tuple[int, str]]  # regency_key(name) -> (id, name)
    keys: Keys
    fetch: Fetch
    nik_pattern: str
    create_regencies: bool = False
    # province_key(name or code) -> (id, name): the provinces the importer may write to.
    provinces: dict[str, tuple[int, str]] = field(default_factory=dict)
    regency_provinces: dict[int, int] = field(default_factory=dict)  # regency id -> province
    # The province of rows that name none (--province, or the importer's own), if any.
    default_province: int | None = None


def province_key(text: str) -> str:
    """A province as written: its name with or without "Provinsi", or its code."""
    words = text.split()
    if words and words[0].casefold() in ("provinsi", "prov", "prov."):
        words = words[1:]
    return " ".join(words).casefold()


def map_header(table: Table) -> tuple[dict[str, int], list[str], list[Problem]]:
    """Which cell index holds which field, the unknown headers, and header problems."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    problems: list[Problem] = []
    for index, header in enumerate(table.header):
        name = HEADER_FIELDS.get(normalise_header(header))
        if name is None:
            if header.strip():
                unknown.append(header)
        elif name in positions:
            problems.append(Problem(1, header, header, "duplicate_column"))
        else:
            positions[name] = index
    for name in REQUIRED:
        if name not in positions:
            problems.append(Problem(1, name, "", "missing_column"))
    return positions, unknown, problems


class _Row:
    """Parse one row's cells into values, collecting problems."""

    def __init__(self, number: int, cells: list[str], positions: dict[str, int]):
        self.number = number
        self.problems: list[Problem] = []
        count = len(cells)
        self.raw: dict[str, str] = {}
        for name, at in positions.items():
            value = cells[at].strip() if at < count else ""
            # Only a leading apostrophe may hide a formula (columns.neutralise); a national
            # register has millions of cells, and a call for each costs seconds.
            self.raw[name] = unneutralise(value) if value[:1] == "'" else value
        self.positions = positions

    def problem(self, column: str, code: str, **params) -> None:
        self.problems.append(Problem(self.number, column, self.raw.get(column, ""), code, params))

    def text(self, column: str) -> str | None:
        value = self.raw.get(column, "")
        if column in REQUIRED and not value:
            self.problem(column, "required")
        elif len(value) > MAX_LENGTHS[column]:
            self.problem(column, "too_long", limit=MAX_LENGTHS[column])
        return value or None

    def members(self) -> int | None:
        value = self.raw.get("members", "")
        if not value:
            return None
        if not value.isascii() or not value.isdigit() or int(value) > MAX_MEMBERS:
            self.problem("members", "members")
            return None
        return int(value)

    def active(self) -> bool | None:
        value = self.raw.get("active", "")
        if not value:
            return None
        found = ACTIVE_WORDS.get(normalise_word(value))
        if found is None:
            self.problem("active", "unknown_status")
        return found

    def stage(self) -> Stage | None:
        value = self.raw.get("stage", "")
        if not value:
            return None
        found = STAGE_WORDS.get(normalise_word(value))
        if found is None:
            self.problem("stage", "unknown_stage")
        return found


def plan_import(
    table: Table,
    context: Context,
    on_change: Callable[[Change], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Check every row and decide, for each, create, update or leave unchanged. The changes
    are kept in the plan, or, with `on_change`, handed on one by one and not kept (a second
    large file, applied as it goes). Once a row has a problem, later changes are counted but
    no longer handed on: a plan with problems is never applied. `on_batch` hears how many rows
    were checked after each batch."""
    positions, unknown, header_problems = map_header(table)
    plan = ImportPlan(unknown_columns=unknown, problems=header_problems)
    if header_problems:
        return plan
    planner = _Planner(context, plan, on_change)
    batch: list[_Row] = []
    checked = 0
    for number, cells in table.rows:
        batch.append(_Row(number, cells, positions))
        if len(batch) == BATCH_ROWS:
            planner.add(batch)
            checked += len(batch)
            batch = []
            if on_batch is not None:
                on_batch(checked)
    planner.add(batch)
    return plan


class _Planner:
    def __init__(self, context: Context, plan: ImportPlan, on_change=None):
        self.context = context
        self.plan = plan
        self.on_change = on_change
        self.keys = context.keys
        self.regency_names = {rid: name for rid, name in context.regencies.values()}
        self.seen: dict[str, dict[str, int]] = {"nik": {}, "legal_entity_number": {}, "name": {}}
        self.claimed: dict[int, int] = {}  # existing cooperative id -> first row updating it
        self.new_regencies: dict[str, str] = {}
        self.province_names = {pid: name for pid, name in context.provinces.values()}

    def add(self, rows: list[_Row]) -> None:
        """Check a batch of rows, read the cooperatives they match in one go, then decide each
        row in the file's order."""
        checked = [self.check(row) for row in rows]
        wanted = {cid for values, _a, _s in checked for cid in self.candidates(values)}
        existing = self.context.fetch(sorted(wanted)) if wanted else {}
        for row, (values, active, stage) in zip(rows, checked, strict=True):
            self.finish(row, values, active, stage, existing)

    def check(self, row: _Row) -> tuple[dict, bool | None, Stage | None]:
        """The row's values, with the problems a row shows by itself or against earlier rows."""
        values = {name: row.text(name) for name in MAX_LENGTHS}
        values["members"] = row.members()
        active, stage = row.active(), row.stage()
        nik = values["nik"]
        if nik and not nik_matches(nik, self.context.nik_pattern):
            row.problem("nik", "nik_pattern", pattern=self.context.nik_pattern)
        province = self.province_of(row, values["province"])
        if values["regency"]:
            self.check_regency(row, values["regency"], province)
        self.check_repeats(row, values)
        return values, active, stage

    def candidates(self, values: dict) -> list[int]:
        """The ids `match` may pick for these values."""
        nik, number = values["nik"], values["legal_entity_number"]
        if nik or number:
            found = (self.keys.by_nik.get(nik or ""), self.keys.by_len.get(number or ""))
            return [cid for cid in found if cid is not None]
        if values["name"] and values["regency"]:
            cid, _count = self.keys.named(name_key(values["regency"], values["name"]))
            return [cid] if cid is not None else []
        return []

    def finish(self, row: _Row, values: dict, active, stage, found: dict[int, Existing]) -> None:
        existing = self.match(row, values, found)
        if existing is not None and existing.id in self.claimed:
            row.problem("name", "same_cooperative", first=self.claimed[existing.id])
        if row.problems:
            # Left to right, as the user reads the row.
            row.problems.sort(key=lambda p: row.positions.get(p.column, len(row.positions)))
            self.plan.problems.extend(row.problems)
            return
        if existing is not None:
            self.claimed[existing.id] = row.number
        self.decide(row, values, active, stage, existing)

    def province_of(self, row: _Row, written: str | None) -> int | None:
        """The row's province id: the one it names, else the file's default; None (with a
        problem when it named one) when unknown."""
        if not written:
            return self.context.default_province
        found = self.context.provinces.get(province_key(written))
        if found is None:
            row.problem("province", "unknown_province")
            return None
        return found[0]

    def check_regency(self, row: _Row, name: str, province: int | None) -> None:
        key = regency_key(name)
        known = self.context.regencies.get(key)
        if known is not None:
            home = self.context.regency_provinces.get(known[0])
            if row.raw.get("province") and province is not None and home != province:
                row.problem(
                    "province",
                    "regency_outside_province",
                    province=self.province_names.get(home, ""),
                )
            return
        if key in self.new_regencies:
            return
        if not self.context.create_regencies:
            row.problem("regency", "unknown_regency")
            return
        if province is None:
            if not row.raw.get("province"):
                row.problem("province", "province_required")
            return
        self.new_regencies[key] = " ".join(name.split())
        self.plan.new_regencies.append(self.new_regencies[key])
        self.plan.new_regency_provinces[self.new_regencies[key]] = province

    def check_repeats(self, row: _Row, values: dict) -> None:
        for column in ("nik", "legal_entity_number"):
            if values[column]:
                first = self.seen[column].setdefault(values[column], row.number)
                if first != row.number:
                    row.problem(column, "repeated_in_file", first=first)

    def match(self, row: _Row, values: dict, existing: dict[int, Existing]) -> Existing | None:
        """By NIK, else by legal entity number, else (no identifier at all) by name."""
        nik, number = values["nik"], values["legal_entity_number"]
        by_nik = existing.get(self.keys.by_nik.get(nik)) if nik else None
        by_len = existing.get(self.keys.by_len.get(number)) if number else None
        if by_nik and by_len and by_nik.id != by_len.id:
            row.problem("legal_entity_number", "belongs_to_other", other=by_len.name)
            return None
        found = by_nik or by_len
        if found and nik and found.nik and found.nik != nik:
            row.problem("nik", "nik_differs", nik=found.nik)
        if found or nik or number or not (values["name"] and values["regency"]):
            return found
        key = name_key(values["regency"], values["name"])
        first = self.seen["name"].setdefault(" / ".join(key), row.number)
        if first != row.number:
            row.problem("name", "repeated_in_file", first=first)
        found, count = self.keys.named(key)
        if count > 1:
            row.problem("name", "ambiguous_name", count=count)
            return None
        return existing.get(found) if found is not None else None

    def decide(self, row: _Row, values: dict, active, stage, existing: Existing | None) -> None:
        key = regency_key(values["regency"])
        known = self.context.regencies.get(key)
        values["regency"] = known[1] if known else self.new_regencies[key]
        values["regency_id"] = known[0] if known else None
        if existing is not None:
            # An empty cell never removes an identifier or resets the status and stage.
            for column in ("nik", "legal_entity_number"):
                values[column] = values[column] or getattr(existing, column)
            for column in ("district", "address", "sector", "members"):
                if column not in row.positions:
                    values[column] = getattr(existing, column)
            active = existing.active if active is None else active
            stage = stage or Stage(existing.stage)
        values["active"] = True if active is None else active
        final = stage_for(stage, values["nik"])
        if final == Stage.CERTIFIED and not values["nik"]:
            row.problem("stage", "certified_without_nik")
            self.plan.problems.extend(row.problems)
            return
        values["stage"] = final.value
        change = Change(row.number, values, existing)
        if existing is not None:
            change.old_regency = self.regency_names.get(existing.regency_id)
        if known is None:
            change.new_regency_province = self.plan.new_regency_provinces[values["regency"]]
        if existing is not None and not differs(existing, values):
            self.plan.unchanged += 1
            return
        if existing is None:
            self.plan.created += 1
        else:
            self.plan.updated += 1
            if change.needs_reason:
                self.plan.need_reason.append(change)
        if self.on_change is not None:
            if not self.plan.problems:
                self.on_change(change)
        else:
            (self.plan.updates if existing else self.plan.creates).append(change)


def differs(existing: Existing, values: dict) -> bool:
    if existing.regency_id != values["regency_id"]:
        return True
    return any(getattr(existing, c) != values[c] for c in (*STORED, "active", "stage"))


__all__ = [
    "FIELDS",
    "Context",
    "Existing",
    "ImportPlan",
    "PROBLEMS",
    "Problem",
    "name_key",
    "plan_import",
    "regency_key",
]
