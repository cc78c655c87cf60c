"""results.json and results.csv: the machine-readable reports."""

from __future__ import annotations

import io
import json



def results_dict(report) -> dict:
    """What results.json holds: the report's own JSON form."""
    return report.to_dict()


def render_json(report, **options) -> str:
    return json.dumps(results_dict(report), ensure_ascii=False, indent=2) + "\n"


def render_csv(report, **options) -> str:
    buffer = io.StringIO()
    report.to_dataframe().to_csv(buffer, index=False)
    return buffer.getvalue()
