"""Check every value of a request the way .NET's XmlSerializer reads it, before Spyne decodes it.

The walk follows the contract from the operation's wrapper element down (elements of other namespaces
and unknown names are skipped, as XmlSerializer skips them), checks each value with `dotnet_values`
and writes its canonical text back into the tree, so Spyne reads what .NET would have read. The first
bad value in document order is reported as ASMX reports it:
`Server was unable to read request. ---> There is an error in XML document (L, C). ---> <.NET text>`,
with the line and column of the value in the request as sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from mock_server.contract.model import Element, ServiceContract
from mock_server.soap.dotnet_values import READERS, UNCHECKED, DotNetValueError, enum_reader, read_boolean
from mock_server.soap.faults import READ_PREFIX, SoapFault, client_fault
from mock_server.soap.xml_position import element_position, value_position

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


@dataclass(frozen=True)
class _Slot:
    """How to read one child element: a value `reader`, or the complex type to walk into."""

    element: Element
    reader: Callable[[str], str] | None = None
    complex_type: str | None = None


class _BadValue(Exception):
    """`node` could not be read; `at_value`: report the position of its text, not of the element."""

    def __init__(self, node: etree._Element, error: DotNetValueError, at_value: bool = True) -> None:
        super().__init__(error.message)
        self.node, self.error, self.at_value = node, error, at_value


class RequestValues:
    """The value checks of one service; slot tables are built once per type."""

    def __init__(self, contract: ServiceContract) -> None:
        self.contract = contract
        self._tag = "{" + contract.namespace + "}"
        self._slots: dict[str, dict[str, _Slot]] = {}
        self._enums = {name: enum_reader(name, e.values) for name, e in contract.enums.items()}

    def check(self, operation: str, body: etree._Element, document: bytes) -> None:
        """Check and canonicalize the values under `body` in place; raise the ASMX read fault."""
        try:
            self._walk(body, self._operation_slots(operation))
        except _BadValue as bad:
            where = value_position if bad.at_value else element_position
            line, column = where(document, bad.node)
            error = bad.error
            if error.xml_error and error.message == _NOT_SIMPLE:  # an XmlException names its position
                error = DotNetValueError(f"{_NOT_SIMPLE} Line {line}, position {column}.", xml_error=True)
            raise read_fault(f"There is an error in XML document ({line}, {column}).", error) from None

    def _walk(self, node: etree._Element, slots: dict[str, _Slot]) -> None:
        for child in node:
            slot = slots.get(child.tag)
            if slot is None:
                continue
            if slot.complex_type is not None:
                self._walk(child, self._type_slots(slot.complex_type))
            elif slot.reader is not None:
                self._read(child, slot)

    def _read(self, node: etree._Element, slot: _Slot) -> None:
        nil = node.get(XSI_NIL)
        if nil is not None:
            try:
                is_nil = read_boolean(nil) == "true" and slot.element.nillable
            except DotNetValueError as error:
                raise _BadValue(node, error, at_value=False) from None
            if is_nil:
                node.set(XSI_NIL, "true")
                return
            del node.attrib[XSI_NIL]  # not null: the content is read, as .NET reads it
        if len(node):  # ReadElementString stops at the first child element
            child = next(node.iterchildren(etree.Element), None)
            if child is not None:
                raise _BadValue(child, DotNetValueError(_NOT_SIMPLE, xml_error=True), at_value=False)
        text = node.text or ""
        try:
            value = slot.reader(text)  # type: ignore[misc]
        except DotNetValueError as error:
            raise _BadValue(node, error) from None
        if value != text:  # most values are sent canonical already: no write into the tree
            node.text = value

    def _operation_slots(self, operation: str) -> dict[str, _Slot]:
        key = "operation:" + operation
        if key not in self._slots:
            self._slots[key] = self._slots_of(self.contract.operations[operation].inputs)
        return self._slots[key]

    def _type_slots(self, type_name: str) -> dict[str, _Slot]:
        if type_name not in self._slots:
            complex_type = self.contract.complex_types[type_name]
            item = complex_type.array_item
            fields = (item,) if item is not None else self.contract.fields_of(type_name)
            self._slots[type_name] = self._slots_of(fields)
        return self._slots[type_name]

    def _slots_of(self, elements: tuple[Element, ...]) -> dict[str, _Slot]:
        slots = {}
        for element in elements:
            slot = self._slot(element)
            if slot is not None:
                slots[self._tag + element.name] = slot
        return slots

    def _slot(self, element: Element) -> _Slot | None:
        if element.type in UNCHECKED:
            return None
        if element.type in READERS:
            return _Slot(element, reader=READERS[element.type])
        if element.type in self._enums:
            return _Slot(element, reader=self._enums[element.type])
        return _Slot(element, complex_type=element.type)


_NOT_SIMPLE = (
    "Unexpected node type Element. ReadElementString method can only be called on elements with simple "
    "or empty content."
)


def read_fault(where: str, error: DotNetValueError | None = None) -> SoapFault:
    """ASMX's fault for a request XmlSerializer could not read (`where`: "There is an error in …")."""
    inner = f" ---> {error.message}" if error is not None else ""
    return client_fault(READ_PREFIX + where + inner, xml_error=error is not None and error.xml_error)
