"""XML parts of office documents, parsed with defusedxml: a DTD, an entity declaration or an
external reference is refused, so no external entity is fetched and no entity expands."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import ElementTree as DET
from defusedxml.common import DefusedXmlException

from ._common import ReadFailure

# real documents nest a few dozen levels; a walker refuses more rather than recurse away
MAX_DEPTH = 200


def parse_xml(data: bytes, name: str) -> ET.Element:
    try:
        root: ET.Element = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        return root
    except DefusedXmlException as e:
        raise ReadFailure("unsafe", f"{name} declares a DTD or XML entities ({type(e).__name__}), "
                                    "which office documents never need; refused") from None
    except (ET.ParseError, ValueError) as e:
        raise ReadFailure("corrupt", f"{name} is not well-formed XML ({e})") from None


def local(tag: object) -> tuple[str, str]:
    """('namespace', 'local name') of an element tag."""
    if not isinstance(tag, str):
        return "", ""
    if tag[:1] == "{":
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def too_deep(name: str) -> ReadFailure:
    return ReadFailure("corrupt", f"{name} is nested more than {MAX_DEPTH} levels deep")
