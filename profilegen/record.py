"""Immutable value records, typed by the checker as frozen dataclasses are (PEP 681 dataclass_transform).

Why not dataclasses or NamedTuple: both generate code and compile it for every class they define. On
the build path that came to a tenth of a cold `profilegen build` (a NamedTuple costs 0.74M instructions
to define, a dataclass 3.1M). A Record subclass inherits its methods, which read the fields from the
class, so defining one compiles nothing.

``class Point(Record): x: int; y: int = 0`` has positional-or-keyword fields with defaults, ``==`` and
``hash`` by value, a readable repr, and ``replace(point, y=1)`` for a changed copy. Assigning to a field
raises, as on a NamedTuple. The build path's model (catalog, preset, resolve, profile, pipeline) uses
Record, and so do the read commands' (inspect, and the signing modules that read a signed profile: carried,
der); modules neither path loads (upload, the signer's identity) may use plain frozen dataclasses.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar, dataclass_transform

R = TypeVar("R", bound="Record")


@dataclass_transform(frozen_default=True)
class Record:
    """Base of the model's records: the fields are the subclass's annotations, in order."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        namespace = cls.__dict__
        cls._fields = tuple(namespace.get("__annotations__", {}))
        cls._defaults = {name: namespace[name] for name in cls._fields if name in namespace}
        for name in cls._defaults:
            delattr(cls, name)  # a field's value lives on the instance; the default only in _defaults

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        fields = cls._fields
        if not kwargs and len(args) == len(fields):  # every field given in order: the common case
            self.__dict__.update(zip(fields, args, strict=True))
            return
        if len(args) > len(fields):
            raise TypeError(f"{cls.__name__}() takes {len(fields)} arguments but {len(args)} were given")
        values = self.__dict__
        values.update(zip(fields, args, strict=False))  # args may stop short: keywords and defaults follow
        for name in fields[len(args):]:
            if name in kwargs:
                values[name] = kwargs.pop(name)
            elif name in cls._defaults:
                values[name] = cls._defaults[name]
            else:
                raise TypeError(f"{cls.__name__}() missing argument {name!r}")
        if kwargs:
            raise TypeError(f"{cls.__name__}() got an unexpected argument {next(iter(kwargs))!r}")

    def _values(self) -> tuple[Any, ...]:
        values = self.__dict__
        return tuple(values[name] for name in self._fields)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self._values(), strict=True))
        return f"{type(self).__name__}({inner})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: make a changed copy with record.replace()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: make a changed copy with record.replace()")


def replace(instance: R, **changes: Any) -> R:
    """A copy of ``instance`` with ``changes`` applied: the record's ``_replace``."""
    unknown = set(changes).difference(instance._fields)
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no field {sorted(unknown)[0]!r}")
    return type(instance)(**{**dict(zip(instance._fields, instance._values(), strict=True)), **changes})
