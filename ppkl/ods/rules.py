"""Reconcile an ODS extract with the register: match each row, sort it into a group, say why.

Plain Python: the caller (ppkl.ods.services) loads the register's cooperatives and regencies.

Matching, in order: the NIK; the legal entity number; the name and regency after
ppkl.ods.names.name_key. A name that is close but not the same (another legal form, another
regency, a similar spelling) is only shown as a candidate: it never matches.
"""

import difflib
import functools
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from ppkl.ods.columns import NOT_ENTERED_STATUSES
from ppkl.ods.names import name_key, plain, regency_key, regency_short_key, split_form
from ppkl.ods.rows import OdsRow
from ppkl.workflow import STAGE_ORDER, Stage


class Group(StrEnum):
    CONSISTENT = "consistent"
    ODS_AHEAD = "ods_ahead"
    PPKL_AHEAD = "ppkl_ahead"
    CONFLICT = "conflict"
    ONLY_ODS = "only_ods"
    ONLY_PPKL = "only_ppkl"


GROUPS: tuple[Group, ...] = tuple(Group)
# Proposals the evidence in an extract can support: the ODS entry and the certificate.
PROPOSABLE_STEPS = (Stage.ODS_ENTERED, Stage.CERTIFIED)
# workflow.stage_index as a plain lookup: a national extract asks it half a million times.
RANK = {stage.value: index for index, stage in enumerate(STAGE_ORDER)}
ENTERED = RANK[Stage.ODS_ENTERED.value]
CANDIDATE_LIMIT = 3
SIMILARITY = 0.85  # difflib ratio of two bare names for a "similar name" candidate


class Known(NamedTuple):
    """What reconciliation needs of a cooperative in the register (a tuple: a national
    register is 210,000 of them)."""

    id: int
    version: int
    name: str
    regency_id: int
    legal_entity_number: str | None
    nik: str | None
    stage: str
    active: bool
    district: str | None = None


@dataclass(frozen=True)
class Context:
    regencies: dict[int, str]  # id -> name
    known: list[Known]  # the cooperatives the user may reconcile (their scope)
    extract_date: date  # the day the extract was taken from ODS
    columns: frozenset[str]  # the fields the extract's header offers


@dataclass(slots=True)
class Line:
    group: Group
    row: int | None = None  # the extract's row number
    source: OdsRow | None = None  # the extract's row (as JSON only when kept: less memory)
    cooperative_id: int | None = None
    ppkl: dict | None = None
    matched_by: str | None = None  # nik, legal_entity_number or name
    reasons: list[dict] = field(default_factory=list)  # {"code": ..., **params}
    proposal: dict | None = None
    candidates: list[dict] = field(default_factory=list)

    def why(self, code: str, **params) -> None:
        self.reasons.append({"code": code, **params})

    @property
    def ods(self) -> dict | None:
        return self.source.as_json() if self.source else None

    def as_json(self) -> dict:
        """What a run keeps of the line; empty values are left out (a national run has
        210,000 lines)."""
        found = {
            "ods": _present(self.ods),
            "ppkl": _present(self.ppkl),
            "matched_by": self.matched_by,
            "reasons": self.reasons,
            "proposal": self.proposal,
            "candidates": self.candidates,
        }
        return {key: value for key, value in found.items() if value}


def _present(values: dict | None) -> dict | None:
    return {k: v for k, v in values.items() if v is not None} if values else None


@dataclass
class Reconciliation:
    lines: list[Line]
    covered_regencies: list[int]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((g.value for g in GROUPS), 0)
        for line in self.lines:
            counts[line.group.value] += 1
        return counts

    @property
    def proposals(self) -> int:
        return sum(1 for line in self.lines if line.proposal)


def ppkl_values(known: Known, regencies: dict[int, str]) -> dict:
    return {
        "name": known.name,
        "regency": regencies.get(known.regency_id),
        "regency_id": known.regency_id,
        "legal_entity_number": known.legal_entity_number,
        "nik": known.nik,
        "stage": known.stage,
        "active": known.active,
        "version": known.version,
    }


def entered_in_ods(row: OdsRow) -> bool:
    """A row of the extract is data entered in ODS, unless its status says it is not yet."""
    return _entered_status(row.ods_status)


@functools.lru_cache(maxsize=256)  # an extract has a handful of statuses
def _entered_status(status: str | None) -> bool:
    return plain(status).replace(" ", "") not in NOT_ENTERED_STATUSES


class _Regencies:
    """The register's regency for a name as ODS writes it ("Kab. Bulungan", "KOTA TARAKAN")."""

    def __init__(self, regencies: dict[int, str]):
        self.full = {regency_key(name): rid for rid, name in regencies.items()}
        short: dict[str, list[int]] = {}
        for rid, name in regencies.items():
            short.setdefault(regency_short_key(name), []).append(rid)
        # "Kota X" and "Kabupaten X" both exist in some provinces: a short name that could be
        # either is no match.
        self.short = {key: ids[0] for key, ids in short.items() if len(ids) == 1}
        self.seen: dict[str, int | None] = {}  # an extract names each regency many times

    def find(self, name: str | None) -> int | None:
        if not name:
            return None
        if name not in self.seen:
            found = self.full.get(regency_key(name))
            if found is None:
                found = self.short.get(regency_short_key(name))
            self.seen[name] = found
        return self.seen[name]


def reconcile(rows: list[OdsRow], context: Context) -> Reconciliation:
    return _Reconciler(context).run(rows)


class _Reconciler:
    def __init__(self, context: Context):
        self.context = context
        self.regencies = _Regencies(context.regencies)
        self.by_nik = {k.nik: k for k in context.known if k.nik}
        self.by_len = {k.legal_entity_number: k for k in context.known if k.legal_entity_number}
        # Each register name split once: (legal form, rest) by cooperative id.
        self.split = {k.id: split_form(k.name) for k in context.known}
        self.keys = {cid: f"{form} {rest}".strip() for cid, (form, rest) in self.split.items()}
        self.by_name: dict[tuple[int, str], list[Known]] = {}
        for k in context.known:
            self.by_name.setdefault((k.regency_id, self.keys[k.id]), []).append(k)
        self.claimed: dict[int, int] = {}  # cooperative id -> the row that matched it
        self.compare = {
            name: name in context.columns for name in ("nik", "legal_entity_number", "name")
        }

    def run(self, rows: list[OdsRow]) -> Reconciliation:
        lines: list[Line] = []
        unmatched: list[tuple[Line, OdsRow, int | None]] = []
        covered: set[int] = set()
        for row in rows:
            regency_id = self.regencies.find(row.regency)
            if regency_id is not None:
                covered.add(regency_id)
            line = Line(Group.CONSISTENT, row=row.row, source=row)
            known, how = self.match(row, regency_id, line)
            if known is None:
                unmatched.append((line, row, regency_id))
                lines.append(line)
                continue
            covered.add(known.regency_id)
            line.cooperative_id, line.matched_by = known.id, how
            line.ppkl = ppkl_values(known, self.context.regencies)
            first = self.claimed.setdefault(known.id, row.row)
            if first != row.row:
                line.group = Group.CONFLICT
                line.why("same_cooperative", row=first)
            else:
                self.judge(line, row, known)
            lines.append(line)
        rest = [
            k for k in self.context.known if k.id not in self.claimed and k.regency_id in covered
        ]
        self.only_in_ods(unmatched, rest)
        lines += [self.only_in_ppkl(k) for k in sorted(rest, key=lambda k: (k.regency_id, k.name))]
        return Reconciliation(lines, sorted(covered))

    # --- matching ---------------------------------------------------------------------------

    def match(self, row: OdsRow, regency_id: int | None, line: Line):
        if row.nik and row.nik in self.by_nik:
            return self.by_nik[row.nik], "nik"
        if row.legal_entity_number and row.legal_entity_number in self.by_len:
            return self.by_len[row.legal_entity_number], "legal_entity_number"
        if not (row.name and regency_id is not None):
            return None, None
        found = self.by_name.get((regency_id, name_key(row.name)), [])
        if len(found) == 1:
            return found[0], "name"
        if found:
            line.why("ambiguous_name", count=len(found))
            line.candidates = [self.candidate(k, "same_name") for k in found[:CANDIDATE_LIMIT]]
        return None, None

    def candidate(self, known: Known, why: str) -> dict:
        return {
            "id": known.id,
            "name": known.name,
            "regency": self.context.regencies.get(known.regency_id),
            "nik": known.nik,
            "legal_entity_number": known.legal_entity_number,
            "why": why,
        }

    # --- matched rows -----------------------------------------------------------------------

    def judge(self, line: Line, row: OdsRow, known: Known) -> None:
        """Conflicts first; then which side is ahead; else consistent."""
        if self.compare["nik"] and row.nik and known.nik and row.nik != known.nik:
            line.why("nik_differs", ods=row.nik, ppkl=known.nik)
        number, own = row.legal_entity_number, known.legal_entity_number
        if self.compare["legal_entity_number"] and number and own and number != own:
            line.why("legal_entity_number_differs", ods=number, ppkl=own)
        if (
            self.compare["name"]
            and row.name
            and row.name != known.name
            and name_key(row.name) != self.keys[known.id]
        ):
            line.why("name_differs", ods=row.name, ppkl=known.name)
        if line.reasons:
            line.group = Group.CONFLICT
            return
        line.why(f"matched_by_{line.matched_by}")
        entered = entered_in_ods(row)
        here = RANK[known.stage]
        if row.nik and not known.nik:
            self.ods_ahead(line, row, known, Stage.CERTIFIED)
        elif entered and here < ENTERED:
            self.ods_ahead(line, row, known, Stage.ODS_ENTERED)
        elif self.compare["nik"] and known.nik and not row.nik:
            line.group = Group.PPKL_AHEAD
            line.why("no_nik_in_ods", nik=known.nik)
        elif not entered and here >= ENTERED:
            line.group = Group.PPKL_AHEAD
            line.why("not_entered_in_ods", status=row.ods_status, stage=known.stage)
        else:
            line.why("consistent", stage=known.stage)

    def ods_ahead(self, line: Line, row: OdsRow, known: Known, target: Stage) -> None:
        line.group = Group.ODS_AHEAD
        if target == Stage.CERTIFIED:
            line.why("nik_in_ods", nik=row.nik, stage=known.stage)
        else:
            line.why("entered_in_ods", date=(row.ods_date or self.context.extract_date).isoformat())
        steps = [s for s in Stage if RANK[known.stage] < RANK[s] <= RANK[target]]
        if not known.active:
            line.why("inactive_here")
        elif any(s not in PROPOSABLE_STEPS for s in steps):
            line.why("earlier_steps_first", stage=known.stage)
        elif target == Stage.CERTIFIED and row.nik_issued_on is None:
            line.why("no_issue_date")
        else:
            line.proposal = {
                "kind": "move",
                "version": known.version,
                "steps": [self.step(s, row) for s in steps],
            }

    def step(self, stage: Stage, row: OdsRow) -> dict:
        extract = self.context.extract_date
        if stage == Stage.CERTIFIED:
            return {"to": stage.value, "nik": row.nik, "issued_on": row.nik_issued_on.isoformat()}
        entered_on = row.ods_date or extract
        if row.nik_issued_on and row.nik_issued_on < entered_on:
            # The date ODS shows may be the last update: the entry came before the certificate.
            entered_on = row.nik_issued_on
        return {"to": stage.value, "entered_on": entered_on.isoformat()}

    # --- unmatched --------------------------------------------------------------------------

    def only_in_ods(self, unmatched: list[tuple[Line, OdsRow, int | None]], rest: list[Known]):
        """Rows no cooperative matched: candidates by name, and the offer to create."""
        by_bare: dict[tuple[int, str], list[Known]] = {}
        by_key: dict[str, list[Known]] = {}
        in_regency: dict[int, dict[str, list[Known]]] = {}
        if any(row.name for _, row, _ in unmatched):
            for k in self.context.known:
                by_key.setdefault(self.keys[k.id], []).append(k)
        for k in rest:
            bare = self.split[k.id][1]
            by_bare.setdefault((k.regency_id, bare), []).append(k)
            in_regency.setdefault(k.regency_id, {}).setdefault(bare, []).append(k)
        for line, row, regency_id in unmatched:
            line.group = Group.ONLY_ODS
            line.why("not_in_ppkl")
            if row.name and not line.candidates:
                line.candidates = self.name_candidates(row, regency_id, by_bare, by_key, in_regency)
            if regency_id is None:
                line.why("unknown_regency" if row.regency else "no_regency")
            elif row.name:
                line.proposal = {"kind": "create", "regency_id": regency_id}

    def name_candidates(self, row, regency_id, by_bare, by_key, in_regency) -> list[dict]:
        found: list[dict] = []
        seen: set[int] = set()

        def add(known_list, why):
            for k in known_list:
                if k.id not in seen and len(found) < CANDIDATE_LIMIT:
                    seen.add(k.id)
                    found.append(self.candidate(k, why))

        bare = split_form(row.name)[1]
        if regency_id is not None:
            add(by_bare.get((regency_id, bare), []), "other_form")
        elsewhere = [k for k in by_key.get(name_key(row.name), []) if k.regency_id != regency_id]
        add(elsewhere, "other_regency")
        if regency_id is not None and bare and len(found) < CANDIDATE_LIMIT:
            names = in_regency.get(regency_id, {})
            for close in difflib.get_close_matches(bare, names, CANDIDATE_LIMIT, SIMILARITY):
                add(names[close], "similar_name")
        return found

    def only_in_ppkl(self, known: Known) -> Line:
        line = Line(
            Group.ONLY_PPKL,
            cooperative_id=known.id,
            ppkl=ppkl_values(known, self.context.regencies),
        )
        if RANK[known.stage] >= ENTERED:
            line.group = Group.PPKL_AHEAD
            line.why("missing_in_ods", stage=known.stage)
        else:
            line.why("not_in_ods", stage=known.stage)
        return line
