"""Property: a Luhn-valid card number said in any of the four languages never reaches the database,
the logs or an export, through the whole path (store → analyse → score → export)."""

from __future__ import annotations

import io
import logging
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from callqa.analysis.defaults import build_pipeline
from callqa.db.engine import create_db_engine, session_factory
from callqa.interactions.service import StoreItem, store_interactions
from callqa.scoring.export import write_csv, write_jsonl
from callqa.scoring.loader import load_scorecard
from callqa.scoring.queries import export_records
from callqa.scoring.service import score_stored
from callqa.tables import metadata
from qa_support import make_interaction
from redact_support import luhn_complete

pytestmark = [pytest.mark.issue(3), pytest.mark.slow]

TEMPLATES = {
    "en": ("Thanks. My card number is {card}, can you check it?", "Let me check that for you."),
    "zh": ("我的卡号是{card}，麻烦帮我查一下", "好的，我帮您查一下。"),
    "lt": ("Mano kortelės numeris {card}, gal galite patikrinti?", "Žinoma, patikrinsiu."),
    "fa": ("شماره کارتم {card} هست، لطفاً بررسی کنید", "بله، بررسی می‌کنم."),
}


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    length = draw(st.integers(13, 19))
    prefix = draw(st.sampled_from(["4", "51", "55", "37", "6011", "62"]))
    body = prefix + draw(
        st.text("0123456789", min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1)
    )
    number = luhn_complete(body)
    sep = draw(st.sampled_from(["", " ", "-"]))
    if not sep:
        return number
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def _all_stored_text(factory) -> str:  # type: ignore[no-untyped-def]
    parts = []
    with factory() as session:
        for table in metadata.sorted_tables:
            for row in session.execute(select(table)):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(card=card_numbers(), language=st.sampled_from(sorted(TEMPLATES)), agent_reads_back=st.booleans())
def test_card_number_never_reaches_database_logs_or_exports(
    card: str,
    language: str,
    agent_reads_back: bool,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path_factory.mktemp("card") / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_db_engine(f"sqlite:///{path}")
    factory = session_factory(engine)
    customer, agent = TEMPLATES[language]
    agent_text = f"{agent} {card}" if agent_reads_back else agent
    doc = make_interaction(
        [
            ("agent", "Hello, Acme Bank.", 0),
            ("customer", customer.format(card=card), 4),
            ("agent", agent_text, 12),
        ],
        external_id=f"card-test-{language}",
    )
    digits = card.replace(" ", "").replace("-", "")
    caplog.set_level(logging.DEBUG)
    try:
        with factory.begin() as session:
            store_interactions(session, [StoreItem(doc)])
        report = score_stored(factory, load_scorecard("standard"), pipeline=build_pipeline())
        assert report.scored == 1
        with factory() as session:
            jsonl, csv = io.StringIO(), io.StringIO()
            write_jsonl(export_records(session), jsonl)
            write_csv(export_records(session), csv)
        stored = _all_stored_text(factory)
    finally:
        engine.dispose()
    for where, text in (
        ("database", stored),
        ("jsonl", jsonl.getvalue()),
        ("csv", csv.getvalue()),
        ("logs", caplog.text),
    ):
        squeezed = text.replace(" ", "").replace("-", "")
        assert digits not in squeezed, f"card number reached the {where}"
        assert card not in text
    assert "[CARD_NUMBER]" in jsonl.getvalue() or not agent_reads_back
    if agent_reads_back:
        assert '"no_card_readback", "section": "compliance", "outcome": "fail"' in jsonl.getvalue()
