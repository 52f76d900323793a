"""Immutable value records, typed by the checker as frozen dataclasses are (PEP 681 dataclass_transform).

Why not dataclasses or NamedTuple: both generate code and compile it for every class they define. On
the build path that came to a tenth of a cold `profilegen build` (a NamedTuple costs 0.74M instructions
to define, a dataclass 3.1M); a `@record` class costs under 0.1M. The methods here are shared by every
record and read the fields from the class, so defining a record compiles nothing.

A record has positional-or-keyword fields with defaults, ``==`` and ``hash`` by value, a readable repr,
and ``replace(record, field=...)`` for a changed copy. Assigning to a field raises, as on a NamedTuple.
"""

from __future__ import annotations

from typing import Any, TypeVar, dataclass_transform

R = TypeVar("R")
_MISSING = object()


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    fields: tuple[str, ...] = cls._fields
    if len(args) > len(fields):
        raise TypeError(f"{cls.__name__}() takes {len(fields)} arguments but {len(args)} were given")
    for name, value in zip(fields, args, strict=False):  # args may stop short: defaults follow
        object.__setattr__(self, name, value)
    defaults: dict[str, Any] = cls._defaults
    for name in fields[len(args):]:
        value = kwargs.pop(name, _MISSING)
        if value is _MISSING:
            value = defaults.get(name, _MISSING)
            if value is _MISSING:
                raise TypeError(f"{cls.__name__}() missing argument {name!r}")
        object.__setattr__(self, name, value)
    if kwargs:
        raise TypeError(f"{cls.__name__}() got an unexpected argument {next(iter(kwargs))!r}")


def _values(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in self._fields)


def _eq(self: Any, other: object) -> bool:
    same: bool = type(other) is type(self) and _values(self) == _values(other)
    return same


def _hash(self: Any) -> int:
    return hash((type(self).__name__, _values(self)))


def _repr(self: Any) -> str:
    inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
    return f"{type(self).__name__}({inner})"


def _frozen(self: Any, name: str, value: Any = None) -> None:  # both __setattr__ and __delattr__
    raise AttributeError(f"{type(self).__name__} is immutable: make a changed copy with record.replace()")


@dataclass_transform(frozen_default=True)
def record(cls: type[R]) -> type[R]:
    """Make ``cls`` a record of its annotated fields, in order; class attributes are their defaults."""
    namespace = cls.__dict__
    fields = tuple(namespace.get("__annotations__", {}))
    defaults = {name: namespace[name] for name in fields if name in namespace}
    for name in defaults:
        delattr(cls, name)  # a missing instance attribute must not fall back to the class default
    for name, value in (("_fields", fields), ("_defaults", defaults), ("__init__", _init), ("__eq__", _eq),
                        ("__hash__", _hash), ("__repr__", _repr), ("__setattr__", _frozen),
                        ("__delattr__", _frozen)):
        setattr(cls, name, value)
    return cls


def replace(instance: R, **changes: Any) -> R:
    """A copy of ``instance`` with ``changes`` applied: the record's ``_replace``."""
    values = {name: getattr(instance, name) for name in instance._fields}  # type: ignore[attr-defined]
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no field {sorted(unknown)[0]!r}")
    return type(instance)(**{**values, **changes})
