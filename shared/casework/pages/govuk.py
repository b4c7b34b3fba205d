"""GOV.UK Frontend's Jinja macros at the cost of a page: the same HTML, less of each call's overhead.

``govuk-frontend-jinja`` ports the Nunjucks macros line for line, and some of their habits cost the
pages more than their rows (bench/NOTES.md, "Pages at full size (pages)"):

- **Imports at every call.** Each component macro imports the macros it uses *when it is called*
  (``{% from "…/attributes.html" import govukAttributes %}`` inside ``govukTag``, ``govukInput``
  imports the label, hint, error message and attributes macros, and each of those imports the
  attributes macro again: twelve imports for one text input). Jinja then checks that the imported
  template sees every global the importer sees, by looking each of the importer's globals up in a
  ``ChainMap`` one at a time in Python (``set - ChainMap.keys()``): about 15 µs an import, most of
  a small macro's time. :class:`Template` asks the same question as one set operation.
- **A template rendered for every form field.** ``govuk-frontend-wtf`` draws each field with
  Flask's ``render_template`` (the context processors, then a template importing the component's
  macro): about half a millisecond for a text input, two for a select of a hundred options, and a
  case page has twenty fields. A field's HTML depends on its parameters alone (its template and
  the macros see nothing else), and a blank form's fields are the same on every reading:
  :func:`cache_fields` keeps the HTML of the last fields drawn, by their parameters.
- **Attributes in a macro.** ``govukAttributes`` (one call per cell, tag, button, label, hint…)
  builds its output in a Jinja ``namespace`` a pair at a time. :func:`attributes` writes the same
  text in Python; ``govuk/macros/attributes.html`` puts it in the macro's place, for every
  component at once.
- **The same component drawn again.** A component's HTML is a function of its one parameter, and
  most of a page's components (the filters' selects, the phase banner, a report's buttons) are
  drawn with the same parameters on every request: :class:`Template` wraps each component
  template's macros in :class:`Remembered`, which keeps the HTML of the last calls.

Every one of these writes what the package writes, byte for byte
(tests/kernel/unit/test_pages_govuk.py).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader
from jinja2 import Template as JinjaTemplate
from jinja2.runtime import Context, Macro, Undefined
from markupsafe import Markup, escape

#: Our versions of some of ``govuk_frontend_jinja``'s templates, found before the package's own.
OVERRIDES = Path(__file__).parent / "govuk"


def loader() -> ChoiceLoader:
    """``govuk_frontend_jinja``'s templates (under its prefix), ours first where we have one."""
    return ChoiceLoader([FileSystemLoader(OVERRIDES), PackageLoader("govuk_frontend_jinja")])


class Template(JinjaTemplate):
    """Jinja's template, with an import's check of globals done as one set operation, and a
    GOV.UK component's macros remembering what they drew (:meth:`make_module`).

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

    def make_module(self, vars: dict | None = None, shared: bool = False, locals: Any = None) -> Any:
        """The template's module; a GOV.UK component's macros (``govukSelect``…) remembering the HTML
        they wrote for each set of parameters (:class:`Remembered`)."""
        module = super().make_module(vars, shared, locals)
        if COMPONENTS in Path(self.filename or "").as_posix():
            for name, value in list(vars_of(module).items()):
                if isinstance(value, Macro):
                    setattr(module, name, Remembered(value))
        return module


#: GOV.UK Frontend's components (where the package keeps them): each macro's HTML a function of
#: its parameters alone.
COMPONENTS = "govuk_frontend_jinja/templates/components/"
#: Parameters with more text than this are drawn each time (a tab panel holding a whole page).
REMEMBERED_TEXT = 8192
#: How many component calls' HTML each macro keeps (the last drawn).
REMEMBERED_CALLS = 512


def vars_of(module: Any) -> dict:
    return {name: value for name, value in vars(module).items() if not name.startswith("_")}


class Remembered:
    """A component macro that keeps the HTML it wrote, by its parameters.

    A GOV.UK component's HTML depends on its one parameter alone (it imports only other components
    and the attributes macro, and sees no page's context), and most of a page's components are
    drawn with the same parameters on every request: the filters' selects, the phase banner, a
    case's buttons. A call with a ``caller``, more than the one parameter, parameters of other
    kinds than dicts, lists, text, numbers and booleans, or more than ``REMEMBERED_TEXT``
    characters of text is drawn each time.
    """

    def __init__(self, macro: Macro) -> None:
        self.macro = macro
        self.drawn: dict[Any, Any] = {}
        self.size = 0
        self.lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:  # the macro's own attributes (name, arguments, caller)
        return getattr(self.macro, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) != 1 or kwargs:
            return self.macro(*args, **kwargs)
        try:
            key = _key(args[0], [REMEMBERED_TEXT])
        except _NotPlain:
            return self.macro(*args)
        found = self.drawn.get(key)
        if found is None:
            found = self.macro(*args)
            with self.lock:
                self.size = _keep(self.drawn, self.size, key, found, REMEMBERED_CALLS)
        return found


#: How much HTML one macro's (or the fields') memory holds, in characters: the workers' memory is
#: a target (bench/NOTES.md), so a few hundred KB each, whatever the pages draw.
KEPT_CHARACTERS = 256 * 1024


def _keep(drawn: dict, size: int, key: Any, html: str, most: int) -> int:
    """Keep ``html`` under ``key`` in ``drawn`` (``size`` characters so far), all forgotten first
    when it would hold more than ``most`` entries or ``KEPT_CHARACTERS``; the new size."""
    if len(drawn) >= most or size + len(html) > KEPT_CHARACTERS:
        drawn.clear()
        size = 0
    if len(html) <= KEPT_CHARACTERS:
        drawn[key] = html
        size += len(html)
    return size


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


#: How many fields' HTML is kept (the last drawn; a field's HTML is a few hundred bytes to a few KB).
FIELDS_KEPT = 2048


class _NotPlain(Exception):
    """A parameter the field's HTML might not be a function of (an object, a lazy string)."""


def _key(value: Any, room: list[int] | None = None) -> Any:
    """``value`` as a key that tells apart every two parameters that could draw differently: each
    value with its type (``True`` and ``1``, a ``Markup`` and the same ``str``), mappings in their
    order (attributes are written in it). ``room``: how many characters of text it may hold."""
    kind = type(value)
    if kind is dict:
        return (dict, tuple((name, _key(v, room)) for name, v in value.items()))
    if kind is list or kind is tuple:
        return (kind, tuple(_key(v, room) for v in value))
    if kind in (str, Markup, int, float, bool, type(None)):
        if room is not None and kind in (str, Markup):
            room[0] -= len(value)
            if room[0] < 0:
                raise _NotPlain
        return (kind, value)
    raise _NotPlain


class _Fields:
    """The HTML of fields drawn, by (environment, template, parameters)."""

    def __init__(self) -> None:
        self.drawn: dict[Any, Markup] = {}
        self.size = 0
        self.lock = threading.Lock()

    def render(self, widget: Any, params: dict) -> Markup:
        try:
            key = (id(current_app.jinja_env), widget.template, _key(params))
        except _NotPlain:
            return Markup(render_template(widget.template, params=params))
        found = self.drawn.get(key)
        if found is None:
            found = Markup(render_template(widget.template, params=params))
            with self.lock:
                self.size = _keep(self.drawn, self.size, key, found, FIELDS_KEPT)
        return found


FIELDS = _Fields()


def cache_fields() -> None:
    """Draw ``govuk-frontend-wtf``'s fields through :data:`FIELDS` (every widget of the package
    renders through ``GovFormBase.render``; done once a process, for every app in it)."""
    from govuk_frontend_wtf.gov_form_base import GovFormBase

    if getattr(GovFormBase.render, "casework_cached", False):
        return

    def render(self: Any, params: dict) -> Markup:
        return FIELDS.render(self, params)

    render.casework_cached = True  # type: ignore[attr-defined]
    GovFormBase.render = render  # type: ignore[method-assign]
