"""A report as HTML (one self-contained file: inline CSS and SVG, no scripts) and as PDF (WeasyPrint)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.i18n import LOCALES, language, translations
from callqa.views.formats import format_filters
from callqa.views.labels import label_filters
from callqa.views.sentences import sentence_filters

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), extensions=["jinja2.ext.i18n"]
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(sentence_filters(translations(locale).gettext))
    env.filters.update(label_filters(translations(locale).gettext))
    env.filters.update(format_filters(language(locale).babel))
    env.globals["language"] = language(locale)
    return env


def report_html(context: dict[str, Any], locale: str = "en") -> str:
    """The report as a standalone HTML document in ``locale`` (an offered language, else English)."""
    language = locale if locale in LOCALES else "en"
    return _environment(language).get_template("report.html").render(**context, locale=language)


def report_pdf(html: str) -> bytes:
    """The HTML report printed to an A4 PDF."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango libraries are missing
        raise CallqaError(ErrorCode.P100, reason=f"WeasyPrint and Pango are needed: {exc}") from exc
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)
