"""The grading form (issue 19): every criterion saved at once over the API and as a plain form post; only the
changed criteria become review changes, comments are stored redacted, a bad value stores nothing; comments
anchored to a transcript turn or a time in the recording."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from callqa.audit.models import AuditRow
from callqa.lifecycle.purge import purge_interactions
from callqa.review.models import OverrideRow, ReviewCommentRow, ReviewRow
from callqa.storage.files import FileStore
from web_support import SignedIn, Web

CARD = "4111 1111 1111 1111"


def _post(who: SignedIn, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.post(url, json=body or {}, headers={"x-csrf-token": who.csrf})


def _started(web: Web) -> tuple[SignedIn, int, dict[str, Any]]:
    analyst = web.signed_in("analyst")
    ident = web.ids()["en-call-05"]
    started = _post(analyst, f"/api/interactions/{ident}/review")
    assert started.status_code == 201, started.text
    return analyst, ident, started.json()


def _stored(web: Web, review_id: int) -> tuple[object, ...]:
    """What a save may write: the review's changes, comments, comment and score, and the audit rows."""
    with web.db.factory() as session:
        review = session.get(ReviewRow, review_id)
        assert review is not None
        changes = session.execute(
            select(OverrideRow.criterion, OverrideRow.outcome, OverrideRow.reason)
            .where(OverrideRow.review_id == review_id)
            .order_by(OverrideRow.id)
        ).all()
        c = ReviewCommentRow
        notes = session.execute(
            select(c.criterion, c.turn, c.at_ms, c.text).where(c.review_id == review_id).order_by(c.id)
        ).all()
        audits = int(session.scalar(select(func.count(AuditRow.id))) or 0)
        return tuple(changes), tuple(notes), review.comment, review.score, audits


def _count(web: Web, model: Any) -> int:
    with web.db.factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_one_save_changes_only_the_changed_criteria_and_keeps_comments_redacted(web: Web) -> None:
    analyst, _, review = _started(web)
    rid = review["id"]
    failed = [c["id"] for c in review["criteria"] if c["outcome"] == "fail" and not c["critical"]][:2]
    kept = next(c["id"] for c in review["criteria"] if c["outcome"] == "pass")
    outcomes = {c["id"]: c["final_outcome"] for c in review["criteria"]} | dict.fromkeys(failed, "pass")
    comments = {
        failed[0]: "apologised twice, the AI missed it",
        failed[1]: f"read back the card {CARD} but did thank",
        kept: "a textbook greeting",
    }
    saved = _post(
        analyst, f"/api/reviews/{rid}/grade", {"outcomes": outcomes, "comments": comments, "comment": "Fine"}
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["changed"] == failed and set(body["commented"]) == {*failed, kept}
    assert body["score"] > review["score"]  # the score follows the changes, in the answer
    assert {c["id"]: c["final_outcome"] for c in body["criteria"] if c["id"] in failed} == dict.fromkeys(
        failed, "pass"
    )
    changes, notes, comment, score, _ = _stored(web, rid)
    assert [(c, o) for c, o, _ in changes] == [(failed[0], "pass"), (failed[1], "pass")]
    assert changes[0][2] == comments[failed[0]]
    assert CARD not in changes[1][2] and "[CARD_NUMBER]" in changes[1][2]  # redacted before storage
    assert notes == ((kept, None, None, "a textbook greeting"),)  # unchanged criterion: a comment
    assert (comment, score) == ("Fine", body["score"])
    with web.db.factory() as session:
        actions = session.scalars(
            select(AuditRow.action).where(AuditRow.resource == "review", AuditRow.resource_id == str(rid))
        ).all()
    assert actions.count("override") == 2 and actions.count("grade") == 1

    again = _post(analyst, f"/api/reviews/{rid}/grade", {"outcomes": outcomes})
    assert again.status_code == 200 and again.json()["changed"] == []  # nothing differs: no change stored
    assert _stored(web, rid)[:4] == (changes, notes, "Fine", score)


def test_a_bad_value_names_the_criterion_and_stores_nothing(web: Web) -> None:
    analyst, _, review = _started(web)
    rid = review["id"]
    first, second = (c["id"] for c in review["criteria"][:2])
    flip = {"pass": "fail", "fail": "pass", "n/a": "pass"}
    good_change = {first: flip[review["criteria"][0]["final_outcome"]]}
    before = _stored(web, rid)
    cases = [
        ({**good_change, second: "maybe"}, {first: "a good reason here"}, "V120", second),
        ({**good_change, "no_such": "pass"}, {first: "a good reason here"}, "V121", "no_such"),
        (good_change, {first: "meh"}, "V122", first),  # a change needs its reason
        (good_change, {first: "x" * 2001}, "V123", "comment on"),
    ]
    for outcomes, comments, code, named in cases:
        sent = {"outcomes": outcomes, "comments": comments, "comment": "new"}
        refused = _post(analyst, f"/api/reviews/{rid}/grade", sent)
        assert refused.status_code == 422, refused.text
        detail = refused.json()["detail"]
        assert code in detail and named in detail, detail
        assert _stored(web, rid) == before  # nothing written, not even the valid change or the comment


def test_the_form_posts_without_javascript_and_shows_the_grid(web: Web) -> None:
    analyst, ident, review = _started(web)
    rid = review["id"]
    page = analyst.client.get(f"/interactions/{ident}").text
    assert page.count('class="crit"') == len(review["criteria"]) and 'data-test="keys"' in page
    assert 'id="criteria"' not in page  # the evidence sits beside each criterion, not in its own card
    assert "/static/review.js" in page and "/static/review.css" in page
    target = next(c for c in review["criteria"] if c["outcome"] == "fail" and not c["critical"])
    form = {f"o:{c['id']}": c["final_outcome"] for c in review["criteria"]}
    form |= {f"o:{target['id']}": "pass", f"n:{target['id']}": "said sorry twice", "comment": "ok"}
    posted = analyst.client.post(
        f"/reviews/{rid}/grade", data={**form, "csrf_token": analyst.csrf}, follow_redirects=False
    )
    assert posted.status_code == 303 and posted.headers["location"] == f"/interactions/{ident}#review"
    shown = analyst.client.get(f"/interactions/{ident}").text
    assert f'data-test="change-{target["id"]}"' in shown and "said sorry twice" in shown
    changes = _stored(web, rid)[0]
    assert changes == ((target["id"], "pass", "said sorry twice"),)  # (tuple rows compare as tuples)


def test_comments_on_a_turn_and_a_time_are_redacted_and_seen_with_the_review(web: Web) -> None:
    analyst, ident, review = _started(web)
    rid = review["id"]
    added = _post(analyst, f"/api/reviews/{rid}/comments", {"text": f"card {CARD} read out", "turn": 2})
    assert added.status_code == 201, added.text
    assert added.json()["turn"] == 2 and CARD not in added.json()["text"]
    timed = analyst.client.post(
        f"/reviews/{rid}/comments",
        data={"text": "long hold here", "turn": "", "at": "0:05", "csrf_token": analyst.csrf},
        follow_redirects=False,
    )
    assert timed.status_code == 303 and timed.headers["location"].endswith("#transcript")
    notes = _stored(web, rid)[1]
    assert [(t, at) for _, t, at, _ in notes] == [(2, None), (None, 5000)]
    assert all(CARD not in text for *_, text in notes)
    page = analyst.client.get(f"/interactions/{ident}").text
    assert 'data-test="turn-note"' in page and 'data-test="time-note"' in page
    before = _stored(web, rid)
    for body in ({"text": "x", "turn": 100_000}, {"text": "   "}, {"text": "x", "at_ms": 10**12}):
        refused = _post(analyst, f"/api/reviews/{rid}/comments", body)
        assert refused.status_code == 422 and "V12" in refused.text, refused.text
    bad_time = analyst.client.post(
        f"/reviews/{rid}/comments", data={"text": "x", "at": "1:75", "csrf_token": analyst.csrf}
    )
    assert bad_time.status_code == 422 and "V125" in bad_time.text
    assert _stored(web, rid) == before
    # a draft is the reviewers': the agent sees neither it nor its comments, and may not comment
    agent = web.signed_in("j.smith")
    assert agent.client.get(f"/api/interactions/{ident}/review").status_code == 404
    assert _post(agent, f"/api/reviews/{rid}/comments", {"text": "mine"}).status_code == 404
    assert _post(analyst, f"/api/reviews/{rid}/share").status_code == 200
    lead = web.signed_in("sam.lead").client.get(f"/api/interactions/{ident}/review").json()
    assert [c["turn"] for c in lead["comments"]] == [2, None]  # once shared, seen by who sees the review
    # purging the interaction (retention, erasure) takes its reviews' comments with it
    with web.db.factory.begin() as session:
        report = purge_interactions(session, FileStore(web.settings.resolved_file_store()), [ident])
    assert report.rows["review_comments"] == 2
    assert _count(web, ReviewCommentRow) == 0
