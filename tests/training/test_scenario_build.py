"""A scenario built from a demo call: the customer's redacted turns as steps, the failed criteria as act
points with an angrier harder branch, levels 2 and 3 written from the templates (SQLite + PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import TurnRow
from callqa.lifecycle.purge import purge_interactions
from callqa.scoring.loader import load_scorecard
from callqa.storage.files import FileStore
from callqa.training.build import build_from_interaction, content_of_source, kept_turns
from callqa.training.library import content_of
from callqa.training.models import ScenarioRow, ScenarioVersionRow
from callqa.training.sources import source_of
from callqa.training.variants import harder_branches, level_three, level_two, pass_path
from scenario_support import EN_CARD_CALL, FA_CALL, ZH_CALL, demo_actor, interaction_id
from support import Database
from training_support import two_step_script
from web_support import seed

CARD = "4111 1111 1111 1111"


def _criteria() -> set[str]:
    return {c.spec.id for c in load_scorecard("standard").criteria}


def test_a_call_becomes_a_script_with_its_act_point_and_no_card_number(db: Database) -> None:
    seed(db)
    with db.factory.begin() as session:
        ident = interaction_id(session, EN_CARD_CALL)
        # A turn stored before redaction existed: the builder redacts it itself.
        session.execute(
            update(TurnRow)
            .where(TurnRow.interaction_id == ident, TurnRow.seq == 5)
            .values(text=f"Do you want the whole number? It's {CARD}.")
        )
    with db.factory.begin() as session:
        row = build_from_interaction(
            session, demo_actor(session), ident, scorecard="standard", known_criteria=_criteria()
        )
        scenario_id = row.id
        assert row.origin == "interaction" and row.source_interaction_id == ident
        assert row.criterion == "no_card_readback" and row.reason == "unrecognised_payment"
        assert row.title == "Unrecognised payment or suspected fraud — No card data read back"
    with db.factory() as session:
        stored = session.scalars(select(ScenarioVersionRow.content)).one()
        content = content_of(session, session.get_one(type(row), scenario_id))
    assert CARD not in json.dumps(stored) and "4111" not in json.dumps(stored)
    first = content.level(1)
    # Customer turns 1, 3, 5, … in order; the read-back at agent turn 6 answered customer turn 5.
    assert pass_path(first)[:4] == ["t1", "t3", "t5", "t7"]
    act = first.step("t5")
    assert act.criteria == ("no_card_readback",)
    assert act.customer == "Do you want the whole number? It's [CARD_NUMBER]."
    assert act.key_point.startswith("No card data read back: Fail: said")
    miss = first.step(act.on_miss or "")
    assert miss.mood == "annoyed" and miss.customer.endswith("Are you actually listening to me?")
    assert miss.on_pass == act.on_pass == "t7"
    # "anything else" failed without evidence: its act point is the first line.
    assert first.step("t1").criteria == ("anything_else",)
    assert content.levels == (1, 2, 3)
    assert set(content.tags) >= {"no_card_readback", "unrecognised_payment", "en", "voice"}


def test_a_persian_and_a_chinese_call_build_in_their_language(db: Database) -> None:
    seed(db)
    with db.factory.begin() as session:
        actor = demo_actor(session)
        fa = build_from_interaction(session, actor, interaction_id(session, FA_CALL), scorecard="standard")
        zh = build_from_interaction(session, actor, interaction_id(session, ZH_CALL), scorecard="standard")
        fa_content, zh_content = content_of(session, fa), content_of(session, zh)
    assert fa.language == "fa" and zh.language == "zh-Hans"
    assert zh.title == "贷款或房贷 — 保持等待的礼仪（征得同意、致谢、不超过 2 分钟）"
    fa_first = fa_content.level(1)
    assert fa_first.step(fa_first.start).criteria == ("greeting",)  # no evidence: the first line
    assert fa_first.brief.startswith("مشتری درباره‌ی این موضوع تماس گرفته است")
    assert "اصلاً به حرف‌های من گوش می‌دهید؟" in fa_first.step(f"{fa_first.start}-miss").customer
    zh_first = zh_content.level(1)
    assert zh_first.step("t5").criteria == ("hold_etiquette", "next_steps")  # agent turn 6 answered turn 5
    assert zh_first.brief == "一位客户来电咨询：贷款或房贷。"
    assert zh_content.level(2).step("second-issue").customer.startswith("不好意思打断一下")
    assert zh_content.level(3).step("t1").customer.startswith("我真的受够了。")


def test_a_call_without_failure_or_evaluation_is_refused(db: Database) -> None:
    seed(db)
    with db.factory.begin() as session:
        actor = demo_actor(session)
        passed = interaction_id(session, "en-call-01")
        with pytest.raises(CallqaError) as caught:
            build_from_interaction(session, actor, passed, scorecard="standard")
        assert caught.value.code is ErrorCode.T105 and f"interaction {passed}" in str(caught.value)
        with pytest.raises(CallqaError, match=r"\[T103\].*scorecard 'other'"):
            build_from_interaction(session, actor, passed, scorecard="other")


def test_variants_are_deterministic_and_valid(db: Database) -> None:
    seed(db)
    with db.factory() as session:
        source = source_of(session, interaction_id(session, ZH_CALL), "standard")
    once, again = content_of_source(source, "费用"), content_of_source(source, "费用")
    assert once == again
    once.check(_criteria())
    two = once.level(2)
    first_act = next(i for i in pass_path(two) if two.step(i).criteria)
    assert two.step(first_act).on_pass == "second-issue"
    assert "费用" in two.step("second-issue").customer
    assert all(s.mood == "angry" for s in once.level(3).steps)


def test_variants_of_a_hand_written_script() -> None:
    script = two_step_script()
    assert harder_branches(script) == {"angry": script.step("open")}
    two, three = level_two(script, "lt", "Mokesčiai"), level_three(script, "lt")
    two.check()
    three.check()
    assert pass_path(two) == ["open", "second-issue", "calm"]
    assert two.step("second-issue").customer.startswith("Atsiprašau, kad pertraukiu")
    assert two.step("calm").mood == "annoyed"
    assert three.step("open").customer.endswith("Argi taip sunku suprasti?")  # an act point: sharper
    assert three.step("open").customer.startswith("Man jau tikrai gana.")
    # the other lines stay as said, angry in mood only (the complaint is not repeated on every line)
    assert three.step("calm").customer == "Thank you. So when will I get the money back?"
    assert three.step("calm").mood == "angry"
    assert three.step("angry").customer.endswith("noriu kalbėti su jūsų vadovu.")


def test_a_long_call_keeps_its_act_points_and_their_neighbours() -> None:
    customer = list(range(1, 60, 2))  # 30 customer turns
    kept = kept_turns(customer, {31}, limit=5)
    assert kept == [27, 29, 31, 33, 35]
    assert kept_turns(customer[:4], {3}) == customer[:4]


def test_erasing_the_source_deletes_the_scenario_and_retention_unlinks_it(
    db: Database, tmp_path: Path
) -> None:
    seed(db)
    with db.factory.begin() as session:
        actor = demo_actor(session)
        en, fa = interaction_id(session, EN_CARD_CALL), interaction_id(session, FA_CALL)
        erased = build_from_interaction(session, actor, en, scorecard="standard").id
        kept = build_from_interaction(session, actor, fa, scorecard="standard").id
    store = FileStore(tmp_path / "files")
    with db.factory.begin() as session:
        report = purge_interactions(session, store, [en], erase=True)
        assert report.rows["training_scenarios"] == 1
        purge_interactions(session, store, [fa])  # retention: the scenario stays, unlinked
    with db.factory() as session:
        assert session.get(ScenarioRow, erased) is None
        assert session.scalars(select(ScenarioVersionRow.scenario_id)).all() == [kept]
        row = session.get_one(ScenarioRow, kept)
        assert row.source_interaction_id is None
