"""Which cooperatives already in the database a file's rows may be: compact keys for the whole
register, and the comparable columns of the few a batch of rows names.

A national register is 210,000 cooperatives. Their comparable columns as objects took 160 MiB
and the indexes over them 85 MiB; the keys alone (identifier or name -> id) take a fraction,
and the columns are read only for the cooperatives a batch of the file's rows matches.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(slots=True)
class Existing:
    """What the planner needs of a cooperative already in the database."""

    id: int
    version: int
    name: str
    regency_id: int
    district: str | None
    address: str | None
    legal_entity_number: str | None
    nik: str | None
    sector: str | None
    members: int | None
    active: bool
    stage: str


# The comparable columns of these cooperatives (ids from Keys), by id.
Fetch = Callable[[list[int]], dict[int, Existing]]


def regency_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def name_key(regency: str, name: str) -> tuple[str, str]:
    return regency_key(regency), " ".join(name.split()).casefold()


class Keys:
    """Identifier -> id and (regency, name) -> id of every cooperative in the importer's scope;
    a name shared by several cooperatives of one regency keeps their number instead."""

    def __init__(
        self,
        rows: Iterable[tuple[int, str | None, str | None, int, str]],
        regency_names: dict[int, str],
    ):
        """rows: (id, nik, legal entity number, regency id, name) of each cooperative."""
        self.by_nik: dict[str, int] = {}
        self.by_len: dict[str, int] = {}
        self.by_name: dict[tuple[str, str], int] = {}
        self.namesakes: dict[tuple[str, str], int] = {}
        # One string per regency, shared by its cooperatives' keys.
        regencies = {rid: regency_key(name) for rid, name in regency_names.items()}
        for cid, nik, number, regency_id, name in rows:
            if nik:
                self.by_nik[nik] = cid
            if number:
                self.by_len[number] = cid
            key = (regencies.get(regency_id, ""), " ".join(name.split()).casefold())
            if key in self.by_name:
                self.namesakes[key] = self.namesakes.get(key, 1) + 1
            else:
                self.by_name[key] = cid

    def named(self, key: tuple[str, str]) -> tuple[int | None, int]:
        """The id of the one cooperative with this name in this regency, and how many have it."""
        count = self.namesakes.get(key)
        if count:
            return None, count
        found = self.by_name.get(key)
        return found, 0 if found is None else 1
