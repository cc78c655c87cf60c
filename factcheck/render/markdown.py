"""report.md: GitHub-flavoured Markdown in which nothing from a corpus can become markup."""

from __future__ import annotations

from .context import build_context
from .templating import environment


def render_markdown(report, *, templates=None, **options) -> str:
    # Markdown templates are not autoescaped (see `environment`): the `md` filter escapes.
    context = build_context(report, **options)
    return environment(templates).get_template("report.md.j2").render(ctx=context)
