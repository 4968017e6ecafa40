"""Journeys, customer linking, segment definitions, trends and k-anonymity on small hand-built cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callqa.channels.customers import Contact, Journey, Period, build_journeys, link_customers, split_issues
from callqa.channels.flows import channel_rows, move_rows, reason_rows
from callqa.channels.segments import Segment, segment_sizes, segments_of

pytestmark = pytest.mark.issue(21)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PERIOD = Period(T0, T0 + timedelta(days=28), 7)


def contact(ident: int, day: float, channel: str, reason: str = "card", **kw: float | None) -> Contact:
    return Contact(
        ident,
        T0 + timedelta(days=day),
        channel,
        reason,
        "North",
        kw.get("csat"),
        kw.get("predicted"),
        kw.get("score"),
    )


def test_keys_shared_by_one_interaction_are_one_customer() -> None:
    # 1: phone P; 2: phone P and id I (logged-in call) ; 3: id I and e-mail E ; 4: e-mail F alone
    owner = link_customers({1: {"p" * 64}, 2: {"p" * 64, "i" * 64}, 3: {"i" * 64, "e" * 64}, 4: {"f" * 64}})
    assert owner[1] == owner[2] == owner[3] == "e" * 64  # the smallest key of the three names them
    assert owner[4] == "f" * 64


def test_linking_does_not_depend_on_the_order_interactions_come_in() -> None:
    pairs = {1: {"b"}, 2: {"c", "d"}, 3: {"a", "d"}, 4: {"b", "c"}}
    forward = link_customers(pairs)
    backward = link_customers(dict(reversed(list(pairs.items()))))
    assert forward == backward == {1: "a", 2: "a", 3: "a", 4: "a"}


def test_an_issue_is_one_reason_within_the_window_of_the_previous_contact() -> None:
    contacts = [
        contact(1, 0, "voice", "card"),
        contact(2, 1, "chat", "loan"),
        contact(3, 6, "chat", "card"),  # 6 days after 1: same card issue
        contact(4, 12, "chat", "card"),  # 6 days after 3: still the same issue (chained)
        contact(5, 20, "email", "card"),  # 8 days later: a new issue
        contact(6, 21, "voice", ""),  # reason not recognised: a contact, not an issue
    ]
    issues = split_issues(contacts, 7)
    assert [[c.interaction_id for c in i.contacts] for i in issues] == [[1, 3, 4], [2], [5]]
    card = issues[0]
    assert (card.started_on, card.resolved_on, card.first_time) == ("voice", "chat", False)
    assert issues[1].first_time and issues[2].resolved_on == "email"


def journey(name: str, *contacts: Contact) -> Journey:
    return Journey(name, list(contacts), split_issues(contacts, 7))


def test_segment_definitions() -> None:
    moved = journey("a", contact(1, 0, "voice"), contact(2, 2, "chat"))
    repeat = journey("b", contact(3, 0, "voice"), contact(4, 1, "voice"))
    single = journey("c", contact(5, 0, "email"))
    two_issues = journey("d", contact(6, 0, "chat", "card"), contact(7, 3, "voice", "loan"))
    assert segments_of(moved) == {
        Segment("first:voice", "first", "voice"),
        Segment("multichannel", "multichannel"),
        Segment("move:voice:chat", "move", "voice", "chat"),
    }
    assert segments_of(repeat) == {
        Segment("first:voice", "first", "voice"),
        Segment("repeat_same_channel", "repeat_same_channel"),
    }
    assert segments_of(single) == {Segment("first:email", "first", "email")}
    # two channels but each issue resolved first time: multichannel, no move
    assert segments_of(two_issues) == {
        Segment("first:chat", "first", "chat"),
        Segment("multichannel", "multichannel"),
    }
    assert Segment("move:voice:chat", "move", "voice", "chat").label == "phone-first, resolved on chat"
    assert Segment("first:email", "first", "email").label == "e-mail-first"


def test_sizes_trend_and_k_anonymity() -> None:
    now = [journey(f"n{i}", contact(i, 0, "voice"), contact(100 + i, 1, "chat")) for i in range(6)]
    now += [journey(f"c{i}", contact(150 + i, 0, "chat")) for i in range(5)]
    now += [journey(f"m{i}", contact(200 + i, 0, "email")) for i in range(4)]  # 4 e-mail-first: hidden
    before = [journey(f"p{i}", contact(300 + i, 0, "voice")) for i in range(5)]
    sizes = {s.segment.key: s for s in segment_sizes(now, before, least=5)}
    voice = sizes["first:voice"]
    assert (voice.customers, voice.share, voice.previous, voice.previous_share) == (6, 0.4, 5, 1.0)
    assert voice.change == pytest.approx(-60.0)
    assert sizes["move:voice:chat"].customers == 6 and sizes["move:voice:chat"].previous is None
    assert sizes["first:email"].customers is None and sizes["first:email"].share is None  # 4 < 5
    # chat-first (5) is hidden too: the first channels add up to the 15 customers shown, 15 − 6 − 5 = 4
    assert sizes["first:chat"].customers is None and sizes["first:chat"].share is None
    assert sizes["multichannel"].customers == 6


def test_channel_and_reason_rows_count_customers_and_hide_small_cells() -> None:
    people = [
        journey(f"v{i}", contact(10 * i, 0, "voice", csat=2.0), contact(10 * i + 1, 1, "chat", predicted=4.5))
        for i in range(5)
    ]
    people += [journey(f"c{i}", contact(100 + i, 0, "chat", csat=5.0, score=90.0)) for i in range(5)]
    rows = {r.channel: r for r in channel_rows(people, least=5)}
    voice, chat = rows["voice"], rows["chat"]
    assert (voice.customers, voice.issues, voice.first_time, voice.resolved_here) == (5, 5, 0.0, 0)
    assert (chat.customers, chat.issues, chat.first_time, chat.resolved_here) == (10, 5, 1.0, 10)
    assert (voice.csat, voice.csat_n, voice.predicted_n) == (2.0, 5, 0)
    assert (chat.csat, chat.csat_n, chat.predicted_csat, chat.predicted_n) == (5.0, 5, 4.5, 5)
    assert chat.score == 90.0
    # one e-mail customer: hidden, and the smallest other channel with it (the contacts add up to a total)
    with_one = {
        r.channel: r for r in channel_rows([*people, journey("e", contact(999, 0, "email"))], least=5)
    }
    assert with_one["email"].hidden and with_one["email"].customers is None
    assert with_one["voice"].hidden and with_one["chat"].customers == 10
    people += [journey("e", contact(999, 0, "email"))]
    moves = {(m.start, m.end): m for m in move_rows(people, least=5)}
    assert (moves["voice", "chat"].issues, moves["voice", "chat"].share) == (5, 1.0)
    assert moves["email", "email"].hidden
    fcr = {r.channel: r for r in reason_rows(people, least=5)}
    assert (fcr["voice"].first_time, fcr["chat"].first_time) == (0.0, 1.0)


def test_journeys_keep_issues_that_start_in_the_period_and_follow_them_past_its_end() -> None:
    contacts = {
        1: contact(1, -3, "voice"),  # before the period: its issue is not this period's
        2: contact(2, 2, "chat"),  # continues issue 1 (within 7 days)
        3: contact(3, 27, "voice", "loan"),  # last day of the period
        4: contact(4, 30, "chat", "loan"),  # after the period: how the loan issue ended
    }
    keys = {1: {"k1"}, 2: {"k1"}, 3: {"k1"}, 4: {"k1"}}
    (only,) = build_journeys(contacts, keys, PERIOD)
    assert [c.interaction_id for c in only.contacts] == [2, 3]
    assert [(i.reason, i.started_on, i.resolved_on) for i in only.issues] == [("loan", "voice", "chat")]
    assert only.pseudonym == "c-k1"


def test_a_lone_small_cell_takes_a_second_one_with_it() -> None:
    """Cells that add up to a figure shown elsewhere: hiding one alone would let a subtraction find it."""
    people = [journey(f"a{i}", contact(i, 0, "voice"), contact(50 + i, 1, "chat")) for i in range(5)]
    people += [journey(f"b{i}", contact(100 + i, 0, "voice"), contact(150 + i, 1, "voice")) for i in range(6)]
    people += [journey("c", contact(200, 0, "voice"), contact(201, 1, "email"))]
    moves = {(m.start, m.end): m for m in move_rows(people, least=5)}
    assert moves["voice", "email"].hidden  # 1 customer
    assert moves["voice", "voice"].hidden  # the second: the issues that stayed on their channel
    assert not moves["voice", "chat"].hidden and moves["voice", "chat"].customers == 5
    people += [journey(f"l{i}", contact(300 + i, 0, "voice", "loan")) for i in range(2)]
    fcr = {(r.reason, r.channel): r for r in reason_rows(people, least=5)}
    assert fcr["loan", "voice"].hidden and fcr["card", "voice"].hidden  # the voice issues add up to a total
