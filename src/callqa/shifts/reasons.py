"""Why each agent got the shift they got, in one sentence they understand and that never names another agent.

Every sentence is a ``Phrase``: a message id marked with ``N_()`` (so the catalogues translate it) and its
values, some of them phrases again (the list of who took a full shift). ``render`` writes it in the reader's
language; ``Outcome.reason`` holds it in English. Which sentence an outcome gets:

* no bid in the block → NO_BID;
* the first choice granted → FIRST;
* a later choice (LATER) or none of them (OUTSIDE) → why the first choice was missed: the agent lacks its
  skills (NEEDS_SKILLS); its seats were all taken (FULL, counting the agents placed there by the rule that
  put each ahead, those behind who got it because the totals needed it, and those placed there for coverage);
  it had seats left but coverage of an interval held the agent where they are (KEPT_*); an allocation that is
  only feasible (time limit) may leave a choice that could have been given (STOPPED). An agent on none of
  their choices whom coverage holds hears that first (OUTSIDE_COVER_*).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from callqa.analysis.metric_labels import N_
from callqa.shifts.problem import Demand, Phrase
from callqa.shifts.round import Round, Seat, ahead_by

Gettext = Callable[[str], str]

FIRST = N_("You got your first choice, %(shift)s.")
LATER = N_("You got your choice no. %(rank)s, %(shift)s: your first choice, %(wanted)s, %(why)s.")
OUTSIDE = N_("You work %(shift)s, none of your choices: your first choice, %(wanted)s, %(why)s.")
OUTSIDE_COVER_SKILL = N_(
    "You work %(shift)s, none of your choices, because coverage of %(interval)s (skill %(skill)s) "
    "needed you there."
)
OUTSIDE_COVER_ANY = N_(
    "You work %(shift)s, none of your choices, because coverage of %(interval)s needed you there."
)
NO_BID = N_("You did not bid for this block; you work %(shift)s.")

FULL = N_("was full (seats: %(seats)s, bids: %(bids)s) and went to %(who)s")
NO_SEATS = N_("has no seats in this round")
NEEDS_SKILLS = N_("needs skills you do not hold (%(skills)s)")
KEPT_SKILL = N_("had free seats, but coverage of %(interval)s (skill %(skill)s) needed you on %(shift)s")
KEPT_ANY = N_("had free seats, but coverage of %(interval)s needed you on %(shift)s")
STOPPED = N_("could not be given within the solver's time limit")

# who took a full first choice, by what put them there: (one agent, several agents)
GROUPS = {
    "fairness": (
        N_("1 agent who missed their first choice in more earlier rounds"),
        N_("%(n)s agents who missed their first choice in more earlier rounds"),
    ),
    "seniority": (N_("1 agent with more seniority"), N_("%(n)s agents with more seniority")),
    "skills": (
        N_("1 agent whose skills this block's demands need more"),
        N_("%(n)s agents whose skills this block's demands need more"),
    ),
    "draw": (
        N_("1 agent the rules rank equal to you, ahead by the round's fixed draw"),
        N_("%(n)s agents the rules rank equal to you, ahead by the round's fixed draw"),
    ),
    "behind": (
        N_("1 agent ranked after you, as giving it to you would have met fewer or worse choices in all"),
        N_("%(n)s agents ranked after you, as giving it to you would have met fewer or worse choices in all"),
    ),
    "coverage": (N_("1 agent placed there for coverage"), N_("%(n)s agents placed there for coverage")),
}


# stable codes of the sentences (the API gives them beside the sentence, which is in the reader's language)
CODES = {
    FIRST: "first_choice",
    LATER: "later_choice",
    OUTSIDE: "none_of_choices",
    OUTSIDE_COVER_SKILL: "held_for_skill_coverage",
    OUTSIDE_COVER_ANY: "held_for_coverage",
    NO_BID: "no_bid",
    FULL: "full",
    NO_SEATS: "no_seats",
    NEEDS_SKILLS: "needs_skills",
    KEPT_SKILL: "kept_for_skill_coverage",
    KEPT_ANY: "kept_for_coverage",
    STOPPED: "time_limit",
}


def codes(phrase: Phrase) -> tuple[str | None, str | None]:
    """The sentence's code and, when it says why the first choice was missed, that part's code."""
    missed = next((v for name, v in phrase.values if name == "why" and isinstance(v, tuple) and v), None)
    return CODES.get(phrase.message), CODES.get(missed[0].message) if missed else None


def render(phrase: Phrase, gettext: Gettext | None = None) -> str:
    """The sentence in the reader's language (English without ``gettext``)."""
    translate = gettext or _same
    values: dict[str, Any] = {}
    for name, value in phrase.values:
        values[name] = ", ".join(render(p, translate) for p in value) if isinstance(value, tuple) else value
    return translate(phrase.message) % values


def to_json(phrase: Phrase) -> str:
    """The phrase as JSON, to store beside the outcome and render later in any language."""
    return json.dumps(_plain(phrase), ensure_ascii=False)


def from_json(text: str) -> Phrase:
    """A phrase stored with ``to_json``."""
    return _phrase(json.loads(text))


def explain(facts: Round, placed: dict[Seat, str], *, optimal: bool) -> dict[Seat, Phrase]:
    """The reason for every (agent, block) of an allocation."""
    return _Explainer(facts, placed, optimal).all()


class _Explainer:
    def __init__(self, facts: Round, placed: dict[Seat, str], optimal: bool) -> None:
        self.facts = facts
        self.placed = placed
        self.optimal = optimal
        self.holders: dict[str, list[str]] = defaultdict(list)
        for (agent, _), shift in placed.items():
            self.holders[shift].append(agent)
        self.bids: dict[str, int] = defaultdict(int)
        for choices in facts.choices.values():
            for shift in choices:
                self.bids[shift] += 1
        self.tight = [  # demands met exactly: one agent fewer and they are short
            (index, demand)
            for index, demand in enumerate(facts.problem.demands)
            if demand.headcount > 0
            and sum(1 for a in self.holders_of(facts.covers[index]) if facts.counts_for(a, demand))
            == demand.headcount
        ]
        self.tight.sort(key=lambda item: (item[1].skill is None, item[1].start))

    def holders_of(self, shifts: tuple[str, ...]) -> list[str]:
        return [a for s in shifts for a in self.holders[s]]

    def all(self) -> dict[Seat, Phrase]:
        return {seat: self.one(seat) for seat in self.facts.seats}

    def one(self, seat: Seat) -> Phrase:
        agent, _ = seat
        shift = self.placed[seat]
        ranked = self.facts.choices.get(seat, ())
        here = self.label(shift)
        if not ranked:
            return Phrase(NO_BID, (("shift", here),))
        rank = self.facts.rank(agent, shift)
        if rank == 1:
            return Phrase(FIRST, (("shift", here),))
        wanted = ranked[0]
        if rank is None:
            held = self.holding(agent, shift, wanted)
            if held is not None:
                where = (("shift", here), ("interval", when(held)))
                if held.skill:
                    return Phrase(OUTSIDE_COVER_SKILL, (*where, ("skill", held.skill)))
                return Phrase(OUTSIDE_COVER_ANY, where)
        why = self.missed(seat, wanted)
        values: tuple[tuple[str, str | int | tuple[Phrase, ...]], ...] = (
            ("shift", here),
            ("wanted", self.label(wanted)),
            ("why", (why,)),
        )
        if rank is None:
            return Phrase(OUTSIDE, values)
        return Phrase(LATER, (("rank", rank), *values))

    def missed(self, seat: Seat, wanted: str) -> Phrase:
        """Why the agent did not get their first choice."""
        agent, block = seat
        shift = self.facts.shifts[wanted]
        if self.facts.rank(agent, wanted) is None:
            missing = ", ".join(sorted(shift.skills - self.facts.agents[agent].skills))
            return Phrase(NEEDS_SKILLS, (("skills", missing),))
        if shift.seats == 0:
            return Phrase(NO_SEATS)
        if shift.seats is not None and len(self.holders[wanted]) >= shift.seats:
            mine = self.facts.keys[seat]
            groups: dict[str, int] = defaultdict(int)
            for other in self.holders[wanted]:
                if self.facts.rank(other, wanted) is None:
                    groups["coverage"] += 1
                else:
                    rule = ahead_by(self.facts, self.facts.keys[(other, block)], mine)
                    groups[rule or "behind"] += 1
            who = tuple(
                Phrase(GROUPS[g][0]) if n == 1 else Phrase(GROUPS[g][1], (("n", n),))
                for g, n in sorted(groups.items(), key=lambda item: list(GROUPS).index(item[0]))
            )
            return Phrase(FULL, (("seats", shift.seats), ("bids", self.bids[wanted]), ("who", who)))
        held = self.holding(agent, self.placed[seat], wanted)
        if held is None:
            return Phrase(STOPPED)
        values = (("interval", when(held)), ("shift", self.label(self.placed[seat])))
        if held.skill:
            return Phrase(KEPT_SKILL, (*values, ("skill", held.skill)))
        return Phrase(KEPT_ANY, values)

    def holding(self, agent: str, shift: str, wanted: str) -> Demand | None:
        """A demand met exactly that the agent counts for on their shift and would leave short by moving."""
        for index, demand in self.tight:
            covers = self.facts.covers[index]
            if shift in covers and wanted not in covers and self.facts.counts_for(agent, demand):
                return demand
        return None

    def label(self, shift: str) -> str:
        return self.facts.shifts[shift].label or shift


def when(demand: Demand) -> str:
    """E.g. '2027-01-09 08:00–12:00' (no weekday name: the sentence is translated, the value is not)."""
    same_day = demand.end.date() == demand.start.date()
    end = f"{demand.end:%H:%M}" if same_day else f"{demand.end:%Y-%m-%d %H:%M}"
    return f"{demand.start:%Y-%m-%d %H:%M}–{end}"


def _same(message: str) -> str:
    return message


def _plain(phrase: Phrase) -> dict[str, Any]:
    values = {
        name: [_plain(p) for p in value] if isinstance(value, tuple) else value
        for name, value in phrase.values
    }
    return {"message": phrase.message, "values": values}


def _phrase(data: dict[str, Any]) -> Phrase:
    values = tuple(
        (name, tuple(_phrase(p) for p in value) if isinstance(value, list) else value)
        for name, value in data["values"].items()
    )
    return Phrase(data["message"], values)
