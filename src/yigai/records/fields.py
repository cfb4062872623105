"""Declarative record-set definitions: fields, keys, partitioning and cross-field checks.

A :class:`RecordSet` is the single description of one kind of record (its Arrow schema,
what ingestion validates, what the warehouse partitions by). Ingestion, the synthetic
generator and the indicator engine all read these definitions; none restates them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import pyarrow as pa


class Kind(StrEnum):
    STRING = "string"
    ENUM = "enum"  # a string from a closed list of codes
    INT = "int"
    MONEY = "money"  # integer fen (分) in storage; yuan with at most 2 decimals on input
    FLOAT = "float"  # clinical readings only (blood pressure, glucose), never money
    BOOL = "bool"
    DATE = "date"
    TIMESTAMP = "timestamp"


ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.STRING: pa.string(),
    Kind.ENUM: pa.string(),
    Kind.INT: pa.int64(),
    Kind.MONEY: pa.int64(),
    Kind.FLOAT: pa.float64(),
    Kind.BOOL: pa.bool_(),
    Kind.DATE: pa.date32(),
    Kind.TIMESTAMP: pa.timestamp("s"),
}

#: Name of the partition column added to every partitioned record set (``yyyymm``).
MONTH_COLUMN = "month"
#: The person's integer key (int64), added to every record set with ``person_id``: assigned by
#: the warehouse when a batch is stored (one key per pseudonym, the same in every batch and
#: record set, :mod:`yigai.warehouse.person_keys`), never given on import. Joins on it
#: instead of the 32-character pseudonym. Null in files stored before it existed.
PERSON_KEY = "person_key"
PERSON_ID = "person_id"
#: Versioned record sets (corrected by dated versions, never edited in place): the day a
#: version takes effect (版本生效日期) and, on a version that retires the entity, why (注销原因).
VERSION_FROM = "version_from"
RETIRED_REASON = "retired_reason"


@dataclass(frozen=True)
class Field:
    """One column of a record set.

    ``zh``/``en`` are the labels shown in error reports and exports. ``personal`` marks
    personal information (个人信息): stored only pseudonymised or masked.

    ``labels`` (code → Chinese name) lets an import give a code by its Chinese name
    (``男`` for ``M``); the codes are the choices when ``choices`` is not given. ``planned``
    marks a date that may lie after the import day (a due date); other dates record events
    that have happened, so a date after the import day is rejected.
    """

    name: str
    kind: Kind
    zh: str
    en: str
    required: bool = True
    choices: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    personal: bool = False
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    planned: bool = False

    def __post_init__(self) -> None:
        if self.labels and self.choices is None:
            object.__setattr__(self, "choices", tuple(self.labels))
        unknown = set(self.labels) - set(self.choices or ())
        if unknown:
            raise ValueError(f"{self.name}: labels for codes not in choices: {sorted(unknown)}")
        words = [c.lower() for c in self.choices or ()] + list(self.labels.values())
        if len(set(words)) != len(words):
            raise ValueError(f"{self.name}: a label or code is given twice: {words}")

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.kind]

    def arrow_field(self) -> pa.Field:
        return pa.field(self.name, self.arrow_type, nullable=not self.required)


@dataclass(frozen=True)
class RowCheck:
    """A cross-field rule. ``bad_rows`` returns a boolean array, True where a row breaks it."""

    column: str  # the column the error is reported against
    zh: str
    en: str
    bad_rows: Callable[[pa.Table], pa.ChunkedArray | pa.Array]


@dataclass(frozen=True)
class RecordSet:
    """A kind of record: registry (no partition) or event records partitioned by month."""

    name: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    partition_by: str | None = None  # a DATE field whose month partitions the data
    checks: tuple[RowCheck, ...] = field(default=())
    #: foreign keys: column -> record set whose key it must match
    references: tuple[tuple[str, str], ...] = field(default=())
    #: corrected by dated versions (``VERSION_FROM``, ``RETIRED_REASON`` fields): ``key``
    #: names the entity and ``stored_key`` (key + ``version_from``) one version of it
    versioned: bool = False

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def stored_key(self) -> tuple[str, ...]:
        """The columns unique among stored rows: one version of an entity if versioned."""
        return (*self.key, VERSION_FROM) if self.versioned else self.key

    @property
    def keyed_by_person(self) -> bool:
        """Rows about persons (a ``person_id`` column) also store their ``person_key``."""
        return any(f.name == PERSON_ID for f in self.fields)

    @property
    def partitioned(self) -> bool:
        return self.partition_by is not None

    def arrow_schema(self) -> pa.Schema:
        """The stored schema: declared fields, plus ``month`` (int32 ``yyyymm``) if
        partitioned, plus ``person_key`` (:data:`PERSON_KEY`) if the rows are about persons."""
        fields = [f.arrow_field() for f in self.fields]
        if self.keyed_by_person:
            fields.append(pa.field(PERSON_KEY, pa.int64(), nullable=True))
        if self.partitioned:
            fields.append(pa.field(MONTH_COLUMN, pa.int32(), nullable=False))
        return pa.schema(fields)
