"""Shipped words in the reader's language: coded values (roles, review and dispute states, outcomes,
channels, moment kinds, sampling strategies) get an English label from the catalogue, and shipped content
(the standard scorecard's titles, contact reasons, live rules) is looked up as written. Anything the
catalogue does not hold — a centre's own criteria, reasons, moments — is shown as the centre wrote it."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum

from callqa.analysis.metric_labels import N_

Gettext = Callable[[str], str]

LABELS: dict[str, str] = {
    # user roles
    "admin": N_("admin"),
    "qa_analyst": N_("QA analyst"),
    "supervisor": N_("supervisor"),
    "agent": N_("agent"),
    # turn roles
    "customer": N_("customer"),
    "system": N_("system"),
    "bot": N_("bot"),
    # outcomes
    "pass": N_("pass"),
    "fail": N_("fail"),
    "n/a": N_("n/a"),
    # review states
    "draft": N_("draft"),
    "shared": N_("shared"),
    "acknowledged": N_("acknowledged"),
    "disputed": N_("disputed"),
    "final": N_("final"),
    # dispute states
    "open": N_("open"),
    "upheld": N_("upheld"),
    "rejected": N_("rejected"),
    # coaching and calibration sessions
    "closed": N_("closed"),
    # channels and directions
    "voice": N_("voice"),
    "chat": N_("chat"),
    "email": N_("e-mail"),
    "social": N_("social"),
    "inbound": N_("inbound"),
    "outbound": N_("outbound"),
    "internal": N_("internal"),
    # key moments (callqa.moments.v1)
    "escalation_request": N_("escalation request"),
    "cancellation_threat": N_("cancellation threat"),
    "complaint": N_("complaint"),
    "legal_threat": N_("legal threat"),
    "abuse": N_("abuse"),
    "competitor_mention": N_("competitor mention"),
    "repeat_contact": N_("repeat contact"),
    "tried_online": N_("tried online first"),
    "hold_request": N_("hold request"),
    "hold_return": N_("back from hold"),
    # coaching follow-up results
    "improved": N_("improved"),
    "partly": N_("partly"),
    "not_improved": N_("not improved"),
    # abilities of the quality file (coaching.abilities)
    "comprehension": N_("comprehension"),
    "listening": N_("listening"),
    "problem_solving": N_("problem solving"),
    "attention_to_detail": N_("attention to detail"),
    "empathy": N_("empathy"),
    "compliance": N_("compliance"),
    "communication": N_("communication"),
    # kinds of data under retention
    "interactions": N_("interaction records"),
    "recording_audio": N_("recordings"),
    "redacted_audio": N_("redacted recordings"),
    "transcript_text": N_("transcripts"),
    "analyses": N_("analyses"),
    "evaluations": N_("evaluation results"),
    "reviews": N_("reviews"),
    "audit_log": N_("audit log"),
    # weekdays, as root causes name them ("the weekday is Monday")
    "Monday": N_("Monday"),
    "Tuesday": N_("Tuesday"),
    "Wednesday": N_("Wednesday"),
    "Thursday": N_("Thursday"),
    "Friday": N_("Friday"),
    "Saturday": N_("Saturday"),
    "Sunday": N_("Sunday"),
    # sampling strategies (why an interaction is in a review queue)
    "random": N_("random"),
    "low_score": N_("low score"),
    "low_confidence": N_("low confidence"),
    "auto_fail": N_("auto-fail"),
    "negative_sentiment": N_("negative sentiment"),
    "csat_disagreement": N_("score and CSAT disagree"),
    "new_agents": N_("new agent"),
    # shipped content whose words mean something else elsewhere: the live card "Retention" keeps a customer,
    # the admin page "Retention" removes old data
    "Retention": N_("Customer retention"),
}

_CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def translate(value: object, gettext: Gettext) -> str:
    """``value`` (a coded value or shipped text) in the catalogue's language; as written when unknown,
    with a code's underscores as spaces."""
    if value is None:
        return ""
    text = str(value.value if isinstance(value, Enum) else value)
    label = LABELS.get(text)
    if label is not None:
        return gettext(label)
    shown = gettext(" ".join(text.split())) if text.strip() else text
    if shown == " ".join(text.split()):
        return text.replace("_", " ") if _CODE.match(text) else text
    return shown


def label_filters(gettext: Gettext) -> dict[str, Callable[..., str]]:
    """The ``tr`` template filter in the environment's language."""
    return {"tr": lambda value: translate(value, gettext)}
