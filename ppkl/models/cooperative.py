import unicodedata
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ppkl.clock import utcnow
from ppkl.extensions import db
from ppkl.models.regency import Regency
from ppkl.models.user import User
from ppkl.workflow import Stage

NAME_MAX = 200
STAGE_VALUES = ", ".join(f"'{s.value}'" for s in Stage)


def search_key(text: str | None) -> str:
    """Text as search compares it: without accents, case-folded, single spaces
    ("Séjahtera  MULIA" -> "sejahtera mulia")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


class Cooperative(db.Model):
    __tablename__ = "cooperative"
    __table_args__ = (
        CheckConstraint(f"stage IN ({STAGE_VALUES})", name="stage_known"),
        CheckConstraint("members >= 0", name="members_not_negative"),
        # Substring search at national size: a trigram index on PostgreSQL (the migration
        # falls back to a plain index where pg_trgm is not available).
        Index(
            "ix_cooperative_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ),
        # A province's recap counts its cooperatives from this index alone on PostgreSQL
        # (ppkl.recap.current_recap), without visiting rows spread over the whole table; so
        # do its worklist counts (ppkl.tasks.worklist.tally), which also read id and created_at.
        Index(
            "ix_cooperative_regency_id",
            "regency_id",
            postgresql_include=["active", "stage", "nik", "id", "created_at"],
        ),
        # The list filter's districts of each regency, read from the index alone.
        Index("ix_cooperative_regency_district", "regency_id", "district"),
        # The worklist counts read every active cooperative: from this index alone, in id order
        # beside ix_cooperative_facts_worklist, with no sort and no hash.
        Index(
            "ix_cooperative_active_worklist", "active", "id", "regency_id", "stage", "created_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), index=True)
    # search_key(name), kept by the validator below (and by the bulk import's rows).
    search_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    regency_id: Mapped[int] = mapped_column(ForeignKey("regency.id"))
    district: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    legal_entity_number: Mapped[str | None] = mapped_column(String(100), unique=True)
    nik: Mapped[str | None] = mapped_column(String(32), unique=True)
    sector: Mapped[str | None] = mapped_column(String(100))
    members: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    stage: Mapped[str] = mapped_column(String(20), default=Stage.NOT_STARTED.value, index=True)
    # Optimistic concurrency: SQLAlchemy adds "AND version = :old" to every UPDATE.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Who made the latest change and which (an audit action code): a page refused as stale
    # names them without searching every table that can change a cooperative.
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_change: Mapped[str | None] = mapped_column(String(40))

    regency: Mapped[Regency] = relationship(lazy="raise_on_sql")
    changed_by: Mapped[User | None] = relationship(lazy="raise_on_sql")

    __mapper_args__ = {"version_id_col": version}

    @validates("name")
    def _keep_search_name(self, _key, value):
        self.search_name = search_key(value)
        return value

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    def __repr__(self) -> str:
        return f"<Cooperative {self.id} {self.name}>"
