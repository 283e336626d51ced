"""The HTML reports' templates (`contracts/templates/`), rendered with one set of Jinja settings:
values escaped, an undefined name an error (not an empty cell), block tags leaving no blank lines.
`finalize` sees every value printed: the reports pass one that masks keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2


def render_template(
    name: str, *, finalize: Callable[[Any], Any] | None = None, **context: Any
) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("contracts", "templates"),
        autoescape=True,
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template(name).render(**context)
