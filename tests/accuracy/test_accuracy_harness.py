"""The harness on tiny data sets written in the real file formats, scored by the real models."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from callqa.accuracy import datasets as ds
from callqa.accuracy import run_eval
from callqa.accuracy.tasks import DIALOGUE_THRESHOLDS, TURN_THRESHOLDS, aggregate, satisfaction_class
from callqa.analysis.sentiment import dissatisfaction, trajectory
from callqa.cli import evaluate
from callqa.core import metrics as m
from callqa.insights.predict import text_csat
from callqa.sentiment import get_sentiment_model

TWEETS = [
    ("1", "negative", "1", "@united you lost my bag again and nobody answers the phone. Worst airline ever."),
    ("2", "positive", "1", "@united thank you so much, the crew was wonderful and we landed early!"),
    ("3", "neutral", "0.6", "@united what time does boarding start for flight 22?"),
    ("4", "negative", "0.7", "@united three hour delay, missed my connection, absolutely furious"),
]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _twitter(root: Path) -> None:
    header = [
        "tweet_id",
        "airline",
        "airline_sentiment",
        "airline_sentiment_confidence",
        "negativereason",
        "negativereason_confidence",
        "airline_sentiment_gold",
        "negativereason_gold",
        "tweet_created",
        "text",
    ]
    path = root / "twitter_airline_sentiment" / "tweets.csv"
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for tid, label, conf, text in TWEETS:
            writer.writerow([tid, "United", label, conf, "", "", "", "", "2015-02-24 11:14:45 -0800", text])


def _datasets(root: Path) -> None:
    _twitter(root)
    review = {
        "review_id": "1",
        "example_id": "1",
        "excel_id": "f",
        "question": "?",
        "category": "c",
        "guid": "g",
    }
    rows = [
        {**review, "guid": "a", "review": "خیلی خوشمزه و تازه بود، عالی", "aspect": "کلی", "label": "2"},
        {
            **review,
            "guid": "b",
            "review": "طعمش افتضاح بود، پولتان را دور نریزید",
            "aspect": "کلی",
            "label": "-2",
        },
        {**review, "guid": "c", "review": "طعمش افتضاح بود", "aspect": "طعم", "label": "-2"},  # not overall
        {**review, "guid": "d", "review": "نظری ندارم", "aspect": "کلی", "label": "-3"},  # not mentioned
    ]
    _write(
        root / "parsinlu_food_sentiment_fa" / "food_test.jsonl",
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
    )
    jddc = [
        {
            "dataset": "JDDC",
            "dialogue_id": "J1",
            "overall_sat3": 0,
            "turns": [
                {"user": "我的订单怎么还没发货", "system": "", "act_id": 0, "act": "OTHER", "sat3": None},
                {
                    "user": "太差了，等了一个星期还没到，我要投诉",
                    "system": "",
                    "act_id": 0,
                    "act": "OTHER",
                    "sat3": 0,
                },
            ],
        },
        {
            "dataset": "JDDC",
            "dialogue_id": "J2",
            "overall_sat3": 2,
            "turns": [{"user": "好的，谢谢，非常满意", "system": "", "act_id": 0, "act": "OTHER", "sat3": 2}],
        },
    ]
    _write(
        root / "uss_user_satisfaction/jddc_usda_split/jddc_test_dialogues.jsonl",
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in jddc),
    )
    complaints = [
        ("11", "@Acme my order arrived broken and support never replied, two weeks now", "1", "retail"),
        ("12", "@Acme do you ship to Canada?", "0", "retail"),
        ("13", "Lovely sunny morning in the park with the dog", "0", "random_tweet"),
    ]
    path = root / "complaints_twitter" / "complaints-data.csv"
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(complaints)
    header = (
        "Community,Id,Request,Score1,Score2,Score3,Score4,Score5,"
        "TurkId1,TurkId2,TurkId3,TurkId4,TurkId5,Normalized Score\n"
    )
    politeness = [
        (
            "1",
            "Thank you so much for your help! Could you please take a look at my edit when you have time?",
            "1.4",
        ),
        ("2", "Why did you delete my section? Are you stupid or something?", "-1.6"),
        ("3", "Where did you find this source?", "-0.2"),
    ]
    body = "".join(f'Wikipedia,{i},"{t}",13,13,13,13,13,A,B,C,D,E,{s}\n' for i, t, s in politeness)
    _write(root / "stanford_politeness" / "wikipedia.annotated.csv", header + body)


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("eval-data")
    _datasets(root)
    return root


def test_every_format_is_read_and_scored(data_root: Path) -> None:
    rows = {(r.dataset, r.task): r for r in run_eval(data_root, limit=None)}
    twitter = rows["twitter_airline_sentiment", "sentiment (3-class)"]
    assert twitter.n == 4 and twitter.metrics["neg_f1"] == pytest.approx(1.0)
    assert rows["twitter_airline_sentiment", "sentiment, confidence = 1"].n == 2
    persian = rows["parsinlu_food_sentiment_fa", "sentiment (3-class)"]
    assert persian.n == 2 and persian.metrics["accuracy"] == pytest.approx(1.0)
    assert rows["complaints_twitter", "complaint (all tweets)"].metrics["roc_auc"] == pytest.approx(1.0)
    company = rows["complaints_twitter", "complaint (to a company)"]
    assert company.n == 2 and company.metrics["f1"] == pytest.approx(1.0)
    assert rows["stanford_politeness", "politeness"].metrics["spearman"] == pytest.approx(1.0)
    absent = rows["uss_english", "dissatisfaction"]
    assert absent.status == "absent" and absent.n == 0


def test_dialogue_metrics_follow_from_the_turn_scores(data_root: Path) -> None:
    rows = [r for r in run_eval(data_root, ["uss_jddc"], limit=None)]
    turn, dialogue, ranked, predicted_csat = rows
    assert turn.n == 2 and dialogue.n == 2  # the unlabelled first turn is scored but not counted
    model = get_sentiment_model()
    s = model.score(
        ["我的订单怎么还没发货", "太差了，等了一个星期还没到，我要投诉", "好的，谢谢，非常满意"],
        ["zh-Hans"] * 3,
    )
    predicted = [satisfaction_class(x, TURN_THRESHOLDS["zh"]) for x in s[1:]]
    assert turn.metrics["uar"] == pytest.approx(m.uar([0, 2], predicted, (0, 1, 2)))
    assert turn.metrics["spearman"] == pytest.approx(1.0)
    dialogue_scores = [aggregate(s[:2]), aggregate(s[2:])]
    assert dialogue.metrics["kappa"] == pytest.approx(
        m.cohen_kappa([0, 2], [satisfaction_class(x, DIALOGUE_THRESHOLDS["zh"]) for x in dialogue_scores]),
        nan_ok=True,
    )
    # the customer's dissatisfaction as exported ranks the dissatisfied dialogue first
    assert dissatisfaction(s[:2]) > dissatisfaction(s[2:])
    assert ranked.n == 2 and ranked.metrics["auc_dissatisfaction"] == pytest.approx(1.0)
    assert set(ranked.metrics) == {"auc_dissatisfaction", "auc_mean", "auc_end"}
    # predicted CSAT from the words: the dissatisfied dialogue must come out below the satisfied one
    first, second = trajectory(list(s[:2])), trajectory(list(s[2:]))
    assert text_csat(first.overall, first.end) < text_csat(second.overall, second.end)  # type: ignore[operator]
    assert predicted_csat.n == 2 and predicted_csat.metrics == {"spearman": pytest.approx(1.0)}


def test_absent_folder_and_unknown_name(tmp_path: Path) -> None:
    rows = run_eval(tmp_path, ["stanford_politeness", "uss_user_satisfaction"])
    assert [(r.dataset, r.status) for r in rows] == [
        ("uss_jddc", "absent"),
        ("uss_english", "absent"),
        ("stanford_politeness", "absent"),
    ]
    (tmp_path / "stanford_politeness").mkdir()
    assert run_eval(tmp_path, ["stanford_politeness"])[0].note == "no data files in folder"
    with pytest.raises(ValueError, match="unknown data set"):
        run_eval(tmp_path, ["imdb"])


def test_a_malformed_file_is_named_in_the_error(tmp_path: Path) -> None:
    _write(tmp_path / "complaints_twitter" / "bad.csv", "1,only two\n")
    with pytest.raises(ValueError, match=r"bad\.csv:1"):
        ds.load_complaints(tmp_path / "complaints_twitter")


def test_sample_is_deterministic_and_keeps_file_order() -> None:
    items = [str(i) for i in range(100)]
    first = ds.sample(items, str, 10)
    assert first == ds.sample(items, str, 10) and len(first) == 10
    assert first == sorted(first, key=int)
    assert ds.sample(items, str, 200) == items


def test_cli_prints_the_table_and_writes_markdown(data_root: Path, tmp_path: Path) -> None:
    app = typer.Typer()
    evaluate.register(app)
    app.command("noop")(lambda: None)  # a second command makes "eval" a sub-command, as in callqa
    out = tmp_path / "acc.md"
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "--data",
            str(data_root),
            "--dataset",
            "stanford_politeness",
            "--dataset",
            "uss_english",
            "--markdown",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "stanford_politeness" in result.output and "absent" in result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("| dataset |") and "spearman 1.000" in text
    bad = CliRunner().invoke(app, ["eval", "--data", str(data_root), "--dataset", "imdb"])
    assert bad.exit_code == 2
