"""A stub construct lives in one room: its declaration (stubs/spec.py), its view (stubs/layout.py) and its
macro (stubs/templates/). The example is the Literal alias, taken through the three by hand."""

from __future__ import annotations

import ast
from pathlib import Path

from changelog_tracker.stubs import build
from changelog_tracker.stubs.layout import literal_view
from changelog_tracker.stubs.spec import LiteralSpec

STUBS = Path(build.__file__).parent
TEMPLATES = STUBS / "templates"


def _render(macro: str, view: object) -> str:
    template = build._environment().from_string(f'{{% from "{macro}.j2" import {macro} %}}{{{{ {macro}(v) }}}}')
    return template.render(v=view)


def test_a_construct_is_a_spec_a_view_and_a_macro() -> None:
    short = _render("literal", literal_view(LiteralSpec("ColourType", ("red", "it's"))))
    assert short == """ColourType = Literal["red", "it's"]"""
    long = _render("literal", literal_view(LiteralSpec("ManyType", tuple(f"value-{i:03}" for i in range(20)))))
    assert long.splitlines()[0] == "ManyType = Literal[" and long.splitlines()[-1] == "]"
    for text in (short, long):
        ast.parse(text)


def test_every_stub_template_is_used_from_stubs() -> None:
    """No template of stubs/ is orphaned, and none is loaded from another room."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (*STUBS.glob("*.py"), *TEMPLATES.iterdir()))
    names = sorted(p.name for p in TEMPLATES.iterdir())
    assert names and all(f'"{name}"' in code for name in names), names
    assert set(build._environment().list_templates()) == set(names)
