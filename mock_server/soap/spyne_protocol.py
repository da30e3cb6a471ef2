"""Spyne's SOAP 1.1 input protocol, with the work it repeats for every element done once per class.

The decoding is Spyne's own (`Soap11`: the same handlers, the same lenient rules); two of its steps
are made cheaper, each giving exactly what Spyne's gives:

- its per-class attribute table (`get_cls_attrs`) sits in a plain dict: the decoder looks it up for
  every member, each time behind a debug log call and a WeakKeyDictionary;
- `complex_from_element` (a ComplexModel from its element) follows a plan made once per class
  (`_ClassPlan`): the member each child tag names, whether it repeats and whether it is read-only,
  and the instance Spyne starts from (`get_deserialization_instance`: every member None or its
  default), copied instead of re-made member by member. A class or element the plan does not cover
  (validation on, a tag-body member, defaults made by a factory, properties, attributes naming
  members) is decoded by Spyne's own routine.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from lxml import etree
from spyne.model.complex import ComplexModelBase
from spyne.protocol.soap import Soap11

_IMMUTABLE = (type(None), bool, int, float, str, bytes, Decimal, datetime, date, time)
_MISSING = object()
_SPYNE_OWN = (object.__new__, ComplexModelBase.__init__, ComplexModelBase._safe_set)
_MORE_TAGS = 64  # tags remembered per class beyond one per member (other tags are resolved anew)


class _ClassPlan:
    """How instances of one ComplexModel class are decoded (see the module's docstring)."""

    __slots__ = ("_protocol", "alt", "attribute_names", "flat", "instance_type", "members", "start")

    def __init__(self, protocol: Soap11, cls: Any, instance: Any) -> None:
        self.flat = cls.get_flat_type_info(cls)
        self.alt = cls._type_info_alt
        self.instance_type = type(instance)
        self.start = dict(instance.__dict__)
        self.attribute_names = frozenset(self.flat) | frozenset(self.alt)
        self.members: dict[str, tuple[Any, str, bool, bool] | None] = {}  # by child tag (`member`)
        self._protocol = protocol

    def member(self, tag: str) -> tuple[Any, str, bool, bool] | None:
        """What a child element of this tag sets: (member class, attribute, repeats, read-only); None
        when the class has no such member (the child is skipped). Resolved as Spyne resolves it."""
        found = self.members.get(tag, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        key = tag.split("}", 1)[-1]
        member = self.flat.get(key, None)
        if member is None:
            member, key = self.alt.get(key, (None, key))
            if member is None:
                member, key = self.alt.get(tag, (None, key))
        resolved = None
        if member is not None:
            attrs = self._protocol.get_cls_attrs(member)
            resolved = (member, key, attrs.max_occurs > 1, bool(attrs.read_only))
        if len(self.members) < len(self.flat) + _MORE_TAGS:  # a client may send any number of names
            self.members[tag] = resolved
        return resolved

    def new(self) -> Any:
        instance = object.__new__(self.instance_type)
        instance.__dict__.update(self.start)
        return instance


class LenientSoap11(Soap11):
    """Spyne's SOAP 1.1 protocol (the decoder behind `SpyneService`), with the cheaper steps above."""

    def __init__(self) -> None:
        super().__init__()
        self._cls_attrs: dict[Any, Any] = {}
        self._plans: dict[Any, _ClassPlan | None] = {}

    def get_cls_attrs(self, cls: Any) -> Any:
        attrs = self._cls_attrs.get(cls)
        if attrs is None:
            attrs = self._cls_attrs[cls] = super().get_cls_attrs(cls)
        return attrs

    def complex_from_element(self, ctx: Any, cls: Any, elt: Any) -> Any:
        try:
            plan = self._plans[cls]
        except KeyError:
            plan = self._plans[cls] = self._plan(cls)
        if plan is None or (elt.attrib and not plan.attribute_names.isdisjoint(elt.attrib)):
            return super().complex_from_element(ctx, cls, elt)
        instance = plan.new()
        for child in elt:
            if isinstance(child, etree._Comment):
                continue
            found = plan.member(child.tag)
            if found is None:
                continue
            if child.attrib and not plan.attribute_names.isdisjoint(child.attrib):
                return super().complex_from_element(ctx, cls, elt)  # an attribute naming a member
            member, key, repeats, read_only = found
            value = self.from_element(ctx, member, child)
            if repeats:
                values = getattr(instance, key, None)
                if values is None:
                    values = []
                values.append(value)
                value = values
            if not read_only:
                setattr(instance, key, value)
        return instance

    def _plan(self, cls: Any) -> _ClassPlan | None:
        """The plan of a class, or None where Spyne's own routine must decode it."""
        if self.validator is self.SOFT_VALIDATION or self.get_cls_attrs(cls)._xml_tag_body_as is not None:
            return None
        flat = cls.get_flat_type_info(cls)
        if any(member.Attributes.default_factory is not None for member in flat.values()):
            return None
        made_by = getattr(cls.get_deserialization_instance, "__func__", None)
        if made_by is not ComplexModelBase.get_deserialization_instance.__func__:
            return None  # a class that makes its instances its own way
        instance = cls.get_deserialization_instance(None)
        kind = type(instance)
        if (kind.__new__, kind.__init__, kind._safe_set) != _SPYNE_OWN:
            return None
        if any(isinstance(getattr(kind, key, None), property) for key in flat):
            return None
        if not all(type(value) in _IMMUTABLE for value in instance.__dict__.values()):
            return None  # a default the instances would share
        return _ClassPlan(self, cls, instance)
