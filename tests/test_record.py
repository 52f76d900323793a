"""Records behave as the frozen value objects the model relies on: construction, equality, immutability."""

from __future__ import annotations

import pytest

from profilegen.preset import Fleet, PayloadPin, ProfileMeta
from profilegen.record import Record, replace


class Point(Record):
    x: int
    y: int = 0
    label: str = ""


def test_fields_take_positions_keywords_and_defaults() -> None:
    assert repr(Point(1)) == "Point(x=1, y=0, label='')"
    assert repr(Point(1, label="a", y=2)) == "Point(x=1, y=2, label='a')"


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((), {}, "missing argument 'x'"),
    ((1, 2, "a", 4), {}, "takes 3 arguments but 4 were given"),
    ((1,), {"z": 2}, "unexpected argument 'z'"),
])
def test_wrong_arguments_are_refused_by_name(args: tuple[object, ...], kwargs: dict[str, object],
                                             message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Point(*args, **kwargs)  # type: ignore[arg-type]


def test_equality_and_hash_are_by_value_and_type() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert Point(1, 2) != Point(2, 1)
    pin: object = PayloadPin()
    assert pin != Fleet()  # two records with equal (empty) values are still different things
    assert len({Fleet(license="volume"), Fleet(license="volume"), Fleet()}) == 2


def test_fields_cannot_be_assigned_or_deleted() -> None:
    point = Point(1)
    with pytest.raises(AttributeError, match="immutable"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del point.x
    assert point.x == 1


def test_replace_makes_a_changed_copy_and_refuses_unknown_fields() -> None:
    meta = ProfileMeta("Office", "com.example.office")
    changed = replace(meta, scope="User")
    assert (changed.scope, meta.scope, changed.identifier) == ("User", "System", "com.example.office")
    with pytest.raises(TypeError, match="no field 'scpoe'"):
        replace(meta, scpoe="User")


def test_a_default_is_not_left_on_the_class() -> None:
    """A field default must not shadow a missing value: it lives in the record's defaults only."""
    assert "y" not in Point.__dict__
    assert Point(5).y == 0
