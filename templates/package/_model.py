"""The base of every response model: plain dataclasses that round-trip the exact JSON.

The one hard idea: a parsed model remembers the keys it came from, in order, and keeps the keys
it does not know. ``to_dict`` replays that order, so ``Model.from_dict(d).to_dict() == d`` for
any payload of the documented shape — nulls, absent keys and unknown keys included.

A model module declares fields and nothing else: how to parse each field is read from its
annotation, once per class. Parsing then goes a batch at a time — the items of an array, and
below them every object under one key of those items — so that the work per object is a few
passes of C-level built-ins (``map``, ``tuple``, ``dict.copy``) and no Python code runs per
item. A batch is checked by *shape*: an object's keys, and the JSON type of each value. The
first object of a shape is checked key by key, and what that check learns is kept as a plan:
which keys are unknown, which values need more work (a nested object, an array, a float that
must be finite). The work is then done a column at a time: the nested objects under one key of
the whole batch form the next batch. The dict the JSON decoder built becomes the instance's
``__dict__`` (a copy of it, unless the caller hands the JSON over). A value that is not what the
docs say is either accepted (an ``int`` where a number is documented) or reported by
:class:`ResponseParseError`, naming where it is.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from itertools import accumulate, chain, compress, repeat
from operator import eq, is_, itemgetter, not_, setitem
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, TypeVar

from ._errors import ResponseParseError

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Model"]

Bindings = Mapping[str, type["Model"]]
"""What each type variable of a generic model stands for while parsing, by name (``ResultT``)."""


class Context(NamedTuple):
    """What one parse goes by, passed down to every nested object."""

    bindings: Bindings
    owned: bool  # the JSON was handed over: its dicts and lists become the models' own


# JSON key of a field whose Python name differs from it (``from`` is stored as ``from_``).
JSON_KEY = "json_key"

# Plans kept per class: a real page has a handful of shapes; a hostile one must not grow memory.
_MAX_SHAPES = 256

# Up to this many key orders in one batch are told apart a pass each; more, in one Python loop.
_FEW_SHAPES = 8

_NO_EXTRA: Mapping[str, Any] = types.MappingProxyType({})


@dataclasses.dataclass(kw_only=True)
class Model:
    """A response object. Every field may be None: the API sends nulls, and omits keys."""

    # A parsed instance holds these in its own __dict__; a model built in code has neither.
    _keys: ClassVar[tuple[str, ...] | None] = None
    _extra: ClassVar[Mapping[str, Any]] = _NO_EXTRA

    @property
    def extra(self) -> Mapping[str, Any]:
        """Keys the response carried that the docs do not list, with their raw values."""
        return self._extra

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, copy: bool = True) -> Self:
        """Parse decoded JSON; raise :class:`ResponseParseError` naming the path of a mismatch.

        With ``copy=False`` the models take ``data``'s own dicts and lists as their state instead
        of copies (faster, for JSON decoded just to be parsed): ``data`` must not be used after.
        """
        return cls._parse(data, "", Context({}, owned=not copy))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object again: parsed keys (unknown ones too) in their order, then fields set since."""
        attributes = _schema_of(type(self)).attributes
        extra = self._extra
        out: dict[str, Any] = {}
        for key in self._keys or ():
            attribute = attributes.get(key)
            if attribute is None:
                out[key] = extra[key]
                continue
            value = getattr(self, attribute)
            out[key] = _encode(value) if isinstance(value, (Model, list)) else value
        if len(out) - len(extra) < len(attributes):
            # Some documented keys were absent when parsed (or the model was built in code).
            for key, attribute in attributes.items():
                value = getattr(self, attribute)
                if value is not None and key not in out:
                    out[key] = _encode(value)
        return out

    @classmethod
    def _parse(cls, data: Any, path: str, context: Context) -> Self:
        """One object at ``path``: a batch of one."""
        return cls._parse_many([data], lambda _: path, context)[0]

    @classmethod
    def _parse_many(cls, objects: list[Any], locate: Locate, context: Context) -> list[Self]:
        """Models of ``objects``, in order; ``locate(n)`` is the path of the n-th (for errors).

        Objects with the same keys in the same order (as an API's serializer writes them) are
        parsed as one batch; a mix of key orders is split into a batch per order.
        """
        if not objects:
            return []
        objects = _objects(objects, locate)
        schema = _SCHEMAS.get(cls) or _schema_of(cls)
        keys = list(map(tuple, objects))
        states: list[dict[str, Any]]
        if keys.count(keys[0]) == len(keys):
            states = schema.states(objects, keys[0], locate, context)
        else:
            states = [{}] * len(objects)  # each replaced below
            for same_keys, positions in _positions(keys).items():
                batch = schema.states(
                    [objects[n] for n in positions], same_keys, _within(locate, positions), context
                )
                for position, state in zip(positions, batch):
                    states[position] = state
        models = list(map(cls.__new__, repeat(cls, len(states))))
        _each(setattr, models, repeat("__dict__"), states)
        return models


Locate = Callable[[int], str]
"""The path of the n-th value of a batch (``tasks[0].result[3]``); called only to report an error."""

Step = Callable[[list[Any], Locate, Context], "list[Any] | None"]
"""More work on a batch of values, all of one JSON type: the field's values, or None when they
are to be kept exactly as they are."""

_consume: Callable[[Iterable[object]], None] = deque[object](maxlen=0).extend


def _each(function: Callable[..., object], *arguments: Iterable[Any]) -> None:
    """Call ``function`` across ``arguments`` for its effect, in C (itertools' "consume" recipe)."""
    _consume(map(function, *arguments))


def _within(locate: Locate, positions: list[int]) -> Locate:
    """``locate`` for the batch of the values at ``positions``."""
    return lambda n: locate(positions[n])


def _below(locate: Locate, key: str | int) -> Locate:
    """``locate`` for the values under ``key`` of each value."""
    return lambda n: _at(locate(n), key)


def _objects(values: list[Any], locate: Locate) -> list[dict[str, Any]]:
    """``values`` as dicts: a mapping that is not one is copied into one, anything else refused."""
    if list(map(type, values)).count(dict) == len(values):
        return values
    objects = []
    for n, value in enumerate(values):
        if type(value) is not dict:
            if not isinstance(value, Mapping):
                raise ResponseParseError(f"expected an object, got {_kind(value)}", path=locate(n))
            value = dict(value)
        objects.append(value)
    return objects


def _positions(shapes: list[Any]) -> dict[Any, list[int]]:
    """Where each distinct value of ``shapes`` occurs, in the order they first occur."""
    positions: dict[Any, list[int]] = {}
    indices: Iterable[int] = range(len(shapes))
    # A pass in C per shape, over the values the passes before did not take: a page mixes a
    # few kinds of item (links with and without an image). Each shape is hashed once, not once
    # per item, and a tuple of another length is told apart by its length alone.
    while shapes and len(positions) < _FEW_SHAPES:
        shape = shapes[0]
        same = list(map(eq, shapes, repeat(shape)))
        positions[shape] = list(compress(indices, same))
        others = list(map(not_, same))
        indices, shapes = list(compress(indices, others)), list(compress(shapes, others))
    # Many shapes: the rest one at a time.
    for position, shape in zip(indices, shapes):
        positions.setdefault(shape, []).append(position)
    return positions


# -- the JSON type checks and the steps that do more work -------------------------------------


def _at(path: str, key: str | int) -> str:
    """The path of ``key`` below ``path``: ``tasks[0].result``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _expecting(what: str) -> Step:
    """The check of a value whose documented JSON type is ``what``: any other is refused."""

    def refuse(values: list[Any], locate: Locate, context: Context) -> list[Any] | None:
        raise ResponseParseError(f"expected {what}, got {_kind(values[0])}", path=locate(0))

    return refuse


def _keep(values: list[Any], locate: Locate, context: Context) -> list[Any] | None:
    """Values of any JSON type, kept as they are."""
    return None


def _finite(values: list[Any], locate: Locate, context: Context) -> list[Any] | None:
    # Only floats can be non-finite (and math.isfinite would overflow on an integer too big for
    # a float), so integers never come here: ``cost: 0`` stays 0, not 0.0.
    if all(map(math.isfinite, values)):
        return None
    n = next(n for n, value in enumerate(values) if not math.isfinite(value))
    raise ResponseParseError(f"expected a finite number, got {values[n]!r}", path=locate(n))


def _nested(model: type[Model]) -> Step:
    def nested(values: list[Any], locate: Locate, context: Context) -> list[Any] | None:
        return model._parse_many(values, locate, context)

    return nested


def _bound(name: str) -> Step:
    """The envelope's result slot: what it holds is known per call, from the bindings."""

    def bound(values: list[Any], locate: Locate, context: Context) -> list[Any] | None:
        model = context.bindings.get(name)
        return None if model is None else model._parse_many(values, locate, context)

    return bound


def _array(accepts: Accepts | None, check: Step) -> Step | None:
    """The step of arrays whose items are taken by ``accepts``/``check``: the items of every
    array in the batch are checked, or parsed, as one flat batch."""
    if accepts is None:
        return None  # items of any type, kept as they are

    def array(values: list[Any], locate: Locate, context: Context) -> list[Any] | None:
        items = list(chain.from_iterable(values))
        offsets = list(accumulate(map(len, values), initial=0))

        def where(m: int) -> str:
            n = bisect_right(offsets, m) - 1
            return _at(locate(n), m - offsets[n])

        done = _by_type(accepts, check, items, where, context)
        if done is None:
            return None if context.owned else list(map(list, values))
        return list(map(done.__getitem__, map(slice, offsets, offsets[1:])))

    return array


def _by_type(
    accepts: Accepts, check: Step, values: list[Any], locate: Locate, context: Context
) -> list[Any] | None:
    """``values`` of mixed JSON types, each type's values through its step (types in the order
    they first occur, so the first error reported is the same on every run)."""
    kinds = list(dict.fromkeys(map(type, values)))
    steps = [(kind, accepts.get(kind, check)) for kind in kinds]
    work = [(kind, step) for kind, step in steps if step is not None]
    if not work:
        return None
    if len(kinds) == 1:
        return work[0][1](values, locate, context)
    done = list(values)
    for kind, step in work:
        mask = list(map(is_, map(type, values), repeat(kind)))
        positions = list(compress(range(len(values)), mask))
        changed = step(list(compress(values, mask)), _within(locate, positions), context)
        if changed is not None:
            for position, value in zip(positions, changed):
                done[position] = value
    return done


def _encode(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, list):
        return [_encode(item) for item in value]
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }
    return f"{names.get(type(value), type(value).__name__)} {value!r}"[:80]


# -- what a class's annotations say about parsing ---------------------------------------------

Accepts = Mapping[type, "Step | None"]
"""The JSON types a value may have, each with its step (None: nothing more to do)."""


class _Field(NamedTuple):
    attribute: str
    accepts: Accepts | None  # None: any JSON value
    check: Step  # for a value of any other type: converts it, or raises ResponseParseError


Shape = tuple[tuple[str, ...], tuple[type, ...]]
"""An object's keys, and the type of each value, in order."""


class _Plan(NamedTuple):
    """What parsing an object of one shape involves, learnt from the first object of that shape."""

    keys: tuple[str, ...]  # shared by every instance of this shape
    direct: bool  # every key documented and stored under its own name: the dict is copied whole
    known: tuple[tuple[str, str], ...]  # (key, attribute), in the object's order
    unknown: tuple[str, ...]
    steps: tuple[tuple[str, str, int, type, Step], ...]  # (key, attribute, position, type, step)

    def state(self, data: dict[str, Any]) -> dict[str, Any]:
        """The instance dict of ``data`` when it is not ``data`` itself: attributes renamed, and
        unknown keys set apart."""
        state = {attribute: data[key] for key, attribute in self.known}
        if self.unknown:
            state["_extra"] = {key: data[key] for key in self.unknown}
        return state


class _Schema:
    """A model class's fields by JSON key, and the plans of the shapes seen so far."""

    def __init__(self, fields: dict[str, _Field]) -> None:
        self.fields = fields
        self.attributes = {key: field.attribute for key, field in fields.items()}
        self.plans: dict[Shape, _Plan] = {}

    def states(
        self, objects: list[dict[str, Any]], keys: tuple[str, ...], locate: Locate, context: Context
    ) -> list[dict[str, Any]]:
        """The instance dicts of ``objects``, which all have ``keys`` in that order."""
        kinds = list(map(tuple, map(map, repeat(type), map(dict.values, objects))))
        if kinds.count(kinds[0]) == len(kinds):
            shapes = [kinds[0]]
        else:
            shapes = list(dict.fromkeys(kinds))
        plans = []
        for shape in shapes:
            plan = self.plans.get((keys, shape))
            if plan is None:
                n = kinds.index(shape)
                plan = self.plan((keys, shape), objects[n], locate(n), context)
            plans.append(plan)
        # Which keys are documented depends on the keys alone: the same for every shape here.
        first = plans[0]
        if first.direct:
            states = objects if context.owned else list(map(dict.copy, objects))
        else:
            states = list(map(first.state, objects))
        slots: dict[tuple[str, str, int], dict[type, Step]] = {}
        for plan in plans:
            for key, attribute, position, kind, step in plan.steps:
                slots.setdefault((key, attribute, position), {})[kind] = step
        for (key, attribute, position), steps in slots.items():
            column = list(map(itemgetter(key), objects))
            where = _below(locate, key)
            for kind, step in steps.items():
                if len(steps) == 1 and all(shape[position] is kind for shape in shapes):
                    done = step(column, where, context)
                    if done is not None:
                        _each(setitem, states, repeat(attribute), done)
                    continue
                # Values of other types (or nulls) under this key too: this type's values alone.
                mask = list(map(is_, map(type, column), repeat(kind)))
                positions = list(compress(range(len(column)), mask))
                done = step(list(compress(column, mask)), _within(where, positions), context)
                if done is not None:
                    _each(setitem, compress(states, mask), repeat(attribute), done)
        _each(setitem, states, repeat("_keys"), repeat(first.keys))
        return states

    def plan(self, shape: Shape, data: dict[str, Any], path: str, context: Context) -> _Plan:
        """Check ``data`` key by key, raising where it is wrong; keep the plan of its ``shape``."""
        known: list[tuple[str, str]] = []
        unknown: list[str] = []
        steps: list[tuple[str, str, int, type, Step]] = []
        for position, (key, value) in enumerate(data.items()):
            field = self.fields.get(key)
            if field is None:
                unknown.append(key)
                continue
            known.append((key, field.attribute))
            if value is None or field.accepts is None:
                continue
            kind = type(value)
            if kind in field.accepts:
                step = field.accepts[kind]
            else:
                # Raises, unless it can take the value (a mapping that is not a dict).
                field.check([value], _below(lambda _: path, key), context)
                step = field.check
            if step is not None:
                steps.append((key, field.attribute, position, kind, step))
        plan = _Plan(
            keys=shape[0],
            direct=not unknown and all(key == attribute for key, attribute in known),
            known=tuple(known),
            unknown=tuple(unknown),
            steps=tuple(steps),
        )
        if len(self.plans) < _MAX_SHAPES:
            self.plans[shape] = plan
        return plan


_SCHEMAS: dict[type[Model], _Schema] = {}


def _schema_of(cls: type[Model]) -> _Schema:
    schema = _SCHEMAS.get(cls)
    if schema is None:
        hints = typing.get_type_hints(cls)
        fields = {}
        for field in dataclasses.fields(cls):
            if field.init:
                # Every field is annotated ``X | None``: the API sends nulls.
                (hint,) = [
                    arg for arg in typing.get_args(hints[field.name]) if arg is not type(None)
                ]
                fields[field.metadata.get(JSON_KEY, field.name)] = _Field(
                    field.name, *_parser(hint)
                )
        schema = _SCHEMAS[cls] = _Schema(fields)
    return schema


def _parser(hint: Any) -> tuple[Accepts | None, Step]:
    """The JSON types a value annotated ``hint`` may have, each with its step; and its check."""
    if hint is Any:
        return None, _keep
    if isinstance(hint, TypeVar):
        bound = _bound(hint.__name__)
        return {dict: bound}, bound
    origin = typing.get_origin(hint) or hint
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        return {list: _array(*_parser(item))}, _expecting("an array")
    if origin is dict:
        return {dict: None}, _expecting("an object")
    if isinstance(origin, type) and issubclass(origin, Model):
        nested = _nested(origin)
        return {dict: nested}, nested
    return _SCALARS[origin]


# A float must also be finite; an int is a number too (``cost: 0`` stays 0, not 0.0).
_SCALARS: dict[Any, tuple[Accepts, Step]] = {
    str: ({str: None}, _expecting("a string")),
    int: ({int: None}, _expecting("an integer")),
    float: ({int: None, float: _finite}, _expecting("a number")),
    bool: ({bool: None}, _expecting("a boolean")),
}
