"""Page rendering: the Jinja2 environment, its helpers, and ``render`` for handlers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from callqa.core.i18n import LANGUAGES, LOCALES, language, pick_locale, translations
from callqa.core.i18n_extract import content_messages
from callqa.review.notifications import Notification, unread_count, wording
from callqa.review.queues import reason_text
from callqa.users.schemas import Actor
from callqa.views.formats import format_filters, weekday_names
from callqa.views.labels import label_filters, translate
from callqa.views.sentences import sentence_filters
from callqa.views.wording import wording_filters
from callqa.web.deps import csrf_token

RTL_LANGUAGES = ("fa", "ar", "he", "ur")


def is_rtl(language: str | None) -> bool:
    return bool(language) and str(language).split("-")[0] in RTL_LANGUAGES


def clock(ms: int | None) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a time in milliseconds."""
    if ms is None:
        return ""
    seconds = int(ms) // 1000
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


@functools.cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False})  # raw HTML is escaped, not rendered


def markdown(text: str | None) -> Markup:
    """Article markdown as HTML; raw HTML in it is shown as text and unsafe links are not made."""
    return Markup(_markdown().render(text or ""))


def make_templates(folder: Path) -> dict[str, Jinja2Templates]:
    """One template environment per interface language."""
    return {locale: _templates(folder, locale) for locale in LOCALES}


def _templates(folder: Path, locale: str) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(folder), autoescape=select_autoescape(), extensions=["jinja2.ext.i18n"]
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    spoken = language(locale)
    env.globals["locale"] = locale
    env.globals["language"] = spoken
    env.globals["languages"] = [LANGUAGES[code] for code in LOCALES]
    env.filters["clock"] = clock
    env.filters.update(format_filters(spoken.babel))
    # time stamps in lists stay ISO 8601 in every language (sortable, as exports and the API write them);
    # dates in sentences and chart labels use the Babel filters (date, datetime, weekday, month)
    env.filters["when"] = when
    env.filters["markdown"] = markdown
    gettext = translations(locale).gettext
    env.filters.update(wording_filters(gettext))
    env.filters.update(sentence_filters(gettext))
    env.filters.update(label_filters(gettext))
    env.globals["is_rtl"] = is_rtl
    env.globals["live_words"] = {
        text: translate(text, gettext)
        for text in content_messages("live")
        if translate(text, gettext) != text
    }
    env.filters["notification"] = functools.partial(_notification_text, translations(locale).gettext)
    env.filters["queue_reason"] = functools.partial(reason_text, gettext=gettext)
    return Jinja2Templates(env=env)


def _notification_text(gettext: Callable[[str], str], n: Notification) -> str:
    return wording(n, gettext)


def _unread(request: Request, actor: Actor | None) -> int:
    if actor is None:
        return 0
    with request.app.state.factory() as session:
        return unread_count(session, actor.user_id)


def request_locale(request: Request) -> str:
    """The interface language of this request: the signed-in user's, else the browser's, else English."""
    actor = getattr(request.state, "actor", None)
    return pick_locale(actor.locale if actor else None, request.headers.get("accept-language"))


def request_weekdays(request: Request) -> tuple[str, ...]:
    """Monday … Sunday, abbreviated, in the request's language (chart labels)."""
    return weekday_names(language(request_locale(request)).babel)


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page with the signed-in actor (if any) and the CSRF token in its context."""
    actor = getattr(request.state, "actor", None)
    locale = request_locale(request)
    templates: Jinja2Templates = request.app.state.templates[locale]
    base = {"actor": actor, "csrf": csrf_token(request), "unread": _unread(request, actor)}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
