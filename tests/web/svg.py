"""Helpers shared by the web tests: parse SVG and HTML output as XML and find things in it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    """The output as an element tree; fails the test if it is not well-formed."""
    return ET.fromstring(str(markup))


def with_class(root: ET.Element, css_class: str) -> list[ET.Element]:
    """Every element whose class attribute holds ``css_class`` as a whole word."""
    return [node for node in root.iter() if css_class in node.get("class", "").split()]


def assert_csp_clean(markup: str) -> None:
    """Nothing a strict Content Security Policy would block or that runs script."""
    output = str(markup)
    assert "style=" not in output
    assert "<style" not in output
    assert "<script" not in output.lower()
    assert "javascript:" not in output.lower()
    assert not re.search(r"\son[a-z]+\s*=", output), "an event handler attribute"


def find(root: ET.Element, path: str) -> ET.Element:
    """The first element at ``path`` under ``root``; fails the test if there is none."""
    found = root.find(path)
    assert found is not None, f"nothing at {path!r}"
    return found


def attr(element: ET.Element, name: str) -> str:
    """The attribute ``name`` of ``element``; fails the test if it is missing."""
    value = element.get(name)
    assert value is not None, f"<{element.tag}> has no {name!r}"
    return value


def text(element: ET.Element) -> str:
    """The text of ``element``; fails the test if it has none."""
    assert element.text is not None, f"<{element.tag}> has no text"
    return element.text
