"""GOV.UK Frontend's Jinja macros at the cost of a page: the same HTML, less of each call's overhead.

``govuk-frontend-jinja`` ports the Nunjucks macros line for line, and two of their habits cost the
pages more than their rows (bench/NOTES.md, "Pages at full size (pages)"):

- **Imports at every call.** Each component macro imports the macros it uses *when it is called*
  (``{% from "…/attributes.html" import govukAttributes %}`` inside ``govukTag``, ``govukInput``
  imports the label, hint, error message and attributes macros, and each of those imports the
  attributes macro again: twelve imports for one text input). Jinja then checks that the imported
  template sees every global the importer sees, by looking each of the importer's globals up in a
  ``ChainMap`` one at a time in Python (``set - ChainMap.keys()``): about 15 µs an import, most of
  a small macro's time. :class:`Template` asks the same question as one set operation.
- **Attributes in a macro.** ``govukAttributes`` (one call per cell, tag, button, label, hint…)
  builds its output in a Jinja ``namespace`` a pair at a time. :func:`attributes` writes the same
  text in Python; ``govuk/macros/attributes.html`` puts it in the macro's place, for every
  component at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader
from jinja2 import Template as JinjaTemplate
from jinja2.runtime import Context, Undefined
from markupsafe import Markup, escape

#: Our versions of some of ``govuk_frontend_jinja``'s templates, found before the package's own.
OVERRIDES = Path(__file__).parent / "govuk"


def loader() -> ChoiceLoader:
    """``govuk_frontend_jinja``'s templates (under its prefix), ours first where we have one."""
    return ChoiceLoader([FileSystemLoader(OVERRIDES), PackageLoader("govuk_frontend_jinja")])


class Template(JinjaTemplate):
    """Jinja's template, with an import's check of globals done as one set operation.

    An imported template is rendered once and its module kept, unless the importer has globals the
    imported template lacks (then Jinja builds a module with them, every time). Jinja finds those
    globals with ``ctx.globals_keys - self.globals.keys()``, a ``ChainMap``'s keys: a Python loop
    with a lookup in each map for every global. ``issubset`` reads the ``ChainMap``'s keys once, in
    C, and answers the same question; when some are missing Jinja's own method does as before.
    """

    def _get_default_module(self, ctx: Context | None = None) -> Any:
        if ctx is not None and ctx.globals_keys.issubset(self.globals):
            ctx = None  # the importer has no global the imported template lacks: its kept module
        return super()._get_default_module(ctx)


def _empty(value: Any) -> bool:
    """Nunjucks' ``undefined`` or ``null``: what the macro's ``value in [undefined, null, None]`` finds."""
    return value is None or isinstance(value, Undefined)


def _option(options: Mapping, key: str) -> Any:
    # Jinja's attribute lookup on a mapping: its item, else undefined.
    return options[key] if key in options else Undefined(name=key)


def attributes(given: Any) -> Markup:
    """``govukAttributes(given)`` of govuk-frontend-jinja 4.1 (``macros/attributes.html``), in Python:
    a string as it is; for a mapping ``name="value"`` pairs, each escaped, in the mapping's order;
    ``{"value": …, "optional": true}`` leaves out an empty value and writes ``true`` as the bare name.
    The whitespace the macro's template writes around them too (a browser ignores it inside a tag;
    it keeps the page's HTML byte for byte what it was).
    """
    if isinstance(given, str):
        return Markup(given)
    if not isinstance(given, Mapping):
        return Markup("")
    space, html = ["\n    "], ""
    for name, value in given.items():
        # The macro's ``value.val not in [undefined, null]``: ``null`` is not Nunjucks' here but an
        # undefined name, so None passes as any value does.
        if isinstance(value, Mapping) and not isinstance(_option(value, "val"), Undefined) and len(value):
            value = value["val"]
            space.append("\n        \n      ")
        if isinstance(value, Mapping):
            optional, shown = _option(value, "optional"), _option(value, "value")
        else:
            optional, shown = False, (str(value).lower() if isinstance(value, bool) else value)
        if optional is True and shown is True:
            html = f"{html} {escape(name)}"
            space.append("\n        ")
        elif optional is not True or not (_empty(shown) or shown is False):
            html = f"{html} {escape(name)}=\"{escape(shown)}\""
            space.append("\n        \n      ")
        space.append("\n    ")
    space.append("\n  ")
    return Markup("".join(space) + html)
