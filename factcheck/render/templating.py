"""The Jinja2 environment: autoescape on, user templates tried before the built-in ones."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .text import display_name, md_escape, md_quote, safe_url


def environment(user_templates: Path | None = None) -> jinja2.Environment:
    loaders = []
    if user_templates:
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders.append(jinja2.PackageLoader("factcheck.render", "templates"))
    # HTML, CSS and JS templates are autoescaped, and so is anything unnamed; Markdown is not
    # HTML, so its templates escape with the `md` filter instead.
    autoescape = jinja2.select_autoescape(enabled_extensions=("html.j2", "css.j2", "js.j2"),
                                          disabled_extensions=("md.j2",), default=True,
                                          default_for_string=True)
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=autoescape,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["md"] = md_escape
    env.filters["md_quote"] = md_quote
    env.filters["name"] = display_name
    # A no-break space: "100 %" never breaks before its sign.
    env.filters["pct"] = lambda x: f"{round(float(x) * 100)}\u00a0%"
    env.filters["safe_url"] = safe_url
    return env
