"""report.html: one self-contained page whose CSP allows only its own style and script."""

from __future__ import annotations

import base64
import hashlib
import re

from markupsafe import Markup

from .context import build_context
from .templating import environment


def render_html(report, *, templates=None, **options) -> str:
    env = environment(templates)
    context = build_context(report, **options)
    style = env.get_template("report.css.j2").render()
    script = env.get_template("report.js.j2").render()
    csp = ("default-src 'none'; img-src data:; "
           f"style-src '{_sha256(style)}'; script-src '{_sha256(script)}'; "
           "base-uri 'none'; form-action 'none'")
    page = env.get_template("report.html.j2").render(
        ctx=context, style=Markup(style), script=Markup(script), csp=csp)
    return _strip_indentation(page)


def _strip_indentation(page: str) -> str:
    """The templates' indentation, dropped: it is a tenth of a page's bytes. HTML collapses
    white space anyway, except in <pre>; <style> and <script> are left as they are hashed."""
    parts = re.split(r"(<pre>.*?</pre>|<style>.*?</style>|<script>.*?</script>)", page, flags=re.S)
    return "".join(p if p.startswith(("<pre>", "<style>", "<script>")) else re.sub(r"\n[ \t]+", "\n", p)
                   for p in parts)


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
