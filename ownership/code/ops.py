"""Which ORM and driver method names write and which read, per library family.

Names are compared as written (Ruby's ``create!`` included); :func:`access_of` answers ``None``
for a method that says nothing about data (``toString``, ``then``).

>>> access_of(MONGO, "insertOne"), access_of(MONGO, "InsertOne"), access_of(MONGO, "find")
('write', 'write', 'read')
>>> access_of(RAILS, "update_all"), access_of(RAILS, "to_s") is None
('write', True)
>>> access_of(SPRING_DATA, "findByEmail"), access_of(SPRING_DATA, "deleteByUserId")
('read', 'write')
"""

from __future__ import annotations

from dataclasses import dataclass

from ownership.code.evidence import Access

__all__ = [
    "DJANGO",
    "JS_MODEL",
    "MONGO",
    "PRISMA",
    "RAILS",
    "SPRING_DATA",
    "TYPEORM_REPO",
    "Ops",
    "access_of",
]


@dataclass(frozen=True)
class Ops:
    """Method names that write and that read; optional name prefixes for derived queries."""

    writes: frozenset[str]
    reads: frozenset[str]
    write_prefixes: tuple[str, ...] = ()
    read_prefixes: tuple[str, ...] = ()
    fold_case: bool = False


def _ops(
    writes: str,
    reads: str,
    write_prefixes: tuple[str, ...] = (),
    read_prefixes: tuple[str, ...] = (),
    fold_case: bool = False,
) -> Ops:
    norm = str.lower if fold_case else str
    return Ops(
        frozenset(norm(w) for w in writes.split()),
        frozenset(norm(r) for r in reads.split()),
        write_prefixes,
        read_prefixes,
        fold_case,
    )


#: MongoDB drivers (Node, Go, Python), compared case-insensitively without underscores.
MONGO = _ops(
    "insertOne insertMany updateOne updateMany updateByID replaceOne deleteOne deleteMany bulkWrite"
    " findOneAndUpdate findOneAndReplace findOneAndDelete insert update remove save",
    "find findOne aggregate countDocuments estimatedDocumentCount distinct watch count",
    fold_case=True,
)
#: Prisma Client model delegates (``prisma.user.create``).
PRISMA = _ops(
    "create createMany createManyAndReturn update updateMany updateManyAndReturn upsert delete deleteMany",
    "findMany findUnique findUniqueOrThrow findFirst findFirstOrThrow count aggregate groupBy",
)
#: Static model methods of Sequelize, Mongoose and TypeORM active records (``User.create``).
JS_MODEL = _ops(
    "create bulkCreate update destroy upsert findOrCreate insertMany updateOne updateMany deleteOne"
    " deleteMany replaceOne findOneAndUpdate findOneAndDelete findByIdAndUpdate findByIdAndDelete"
    " findByIdAndRemove bulkWrite save insert remove softRemove softDelete increment decrement truncate",
    "findAll findOne findByPk findAndCountAll find findById findBy findOneBy findAndCount count"
    " countDocuments estimatedDocumentCount aggregate exists distinct",
)
#: TypeORM repositories and entity managers (``repo.save``).
TYPEORM_REPO = _ops(
    "save insert update upsert delete remove softDelete softRemove restore increment decrement clear",
    "find findOne findBy findOneBy findAndCount findAndCountBy findOneOrFail findOneByOrFail count"
    " countBy exist exists existsBy sum average minimum maximum createQueryBuilder",
)
#: Active Record class methods (``User.create!``).
RAILS = _ops(
    "create create! insert insert! insert_all insert_all! upsert upsert_all update update! update_all"
    " delete delete_all delete_by destroy destroy! destroy_all destroy_by find_or_create_by"
    " find_or_create_by! create_or_find_by create_or_find_by! import",
    "find find_by find_by! where all first last take count exists? pluck ids find_each find_in_batches"
    " order joins includes sum minimum maximum average select",
)
#: Django managers and querysets (``User.objects.create``).
DJANGO = _ops(
    "create bulk_create bulk_update update update_or_create get_or_create delete aupdate acreate"
    " abulk_create aget_or_create aupdate_or_create adelete",
    "get filter exclude all count exists values values_list first last aggregate annotate order_by"
    " select_related prefetch_related in_bulk iterator raw aget acount aexists afirst alast",
)
#: Spring Data repositories (``userRepository.save``), with derived query names.
SPRING_DATA = _ops(
    "save saveAll saveAndFlush saveAllAndFlush delete deleteById deleteAll deleteAllById"
    " deleteAllInBatch deleteInBatch deleteAllByIdInBatch",
    "findAll findById findAllById count existsById getById getReferenceById getOne",
    write_prefixes=("deleteBy", "removeBy", "deleteAllBy"),
    read_prefixes=(
        *("findBy", "findAllBy", "readBy", "getBy", "queryBy", "countBy", "existsBy", "streamBy"),
        *("findFirst", "findTop", "findDistinct"),
    ),
)


def access_of(ops: Ops, name: str) -> Access | None:
    """``"write"``, ``"read"`` or ``None`` for a method called ``name``."""
    key = name.lower().replace("_", "") if ops.fold_case else name
    if key in ops.writes:
        return "write"
    if key in ops.reads:
        return "read"
    if name.startswith(ops.write_prefixes) and ops.write_prefixes:
        return "write"
    if name.startswith(ops.read_prefixes) and ops.read_prefixes:
        return "read"
    return None
