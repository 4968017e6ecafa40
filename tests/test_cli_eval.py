"""``callqa eval`` through the real ``callqa`` app: tiny labelled data sets in their real file formats."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from callqa.cli import app
from callqa.cli import evaluate as evaluate_cli

pytestmark = pytest.mark.issue(3)

POLITENESS = [
    ("1", "Thank you so much for your help! Could you please take a look at my edit when you can?", "1.4"),
    ("2", "Why did you delete my section? Are you stupid or something?", "-1.6"),
    ("3", "Where did you find this source?", "-0.2"),
]
COMPLAINTS = [
    ("11", "@Acme my order arrived broken and support never replied, two weeks now", "1", "retail"),
    ("12", "@Acme do you ship to Canada?", "0", "retail"),
    ("13", "Lovely sunny morning in the park with the dog", "0", "random_tweet"),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("eval-data")
    header = (
        "Community,Id,Request,Score1,Score2,Score3,Score4,Score5,"
        "TurkId1,TurkId2,TurkId3,TurkId4,TurkId5,Normalized Score\n"
    )
    body = "".join(f'Wikipedia,{i},"{t}",13,13,13,13,13,A,B,C,D,E,{s}\n' for i, t, s in POLITENESS)
    (root / "stanford_politeness").mkdir()
    (root / "stanford_politeness" / "wikipedia.annotated.csv").write_text(header + body, encoding="utf-8")
    (root / "complaints_twitter").mkdir()
    with (root / "complaints_twitter" / "complaints-data.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(COMPLAINTS)
    (root / "uss_user_satisfaction" / "english").mkdir(parents=True)  # present but empty
    return root


def flat(output: str) -> str:
    """Table borders removed, whitespace collapsed: a wrapped last column reads as one line again."""
    return " ".join(re.sub(r"[\u2500-\u257f]", " ", output).split())


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["eval", *args])


def test_prints_the_metrics_table_and_reports_absent_data_sets(data: Path, tmp_path: Path) -> None:
    markdown = tmp_path / "accuracy.md"
    args = ["--dataset", "stanford_politeness", "--dataset", "complaints_twitter", "--dataset", "uss_jddc"]
    result = run("--data", str(data), *args, "--limit", "0", "--markdown", str(markdown))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "callqa accuracy" in out
    header = next(line for line in out.splitlines() if "dataset" in line)
    assert [w for w in header.replace("┃", " ").split()] == ["dataset", "task", "lang", "n", "metrics"]
    politeness = next(line for line in out.splitlines() if "stanford_politeness" in line)
    assert " 3 " in politeness and "spearman 1.000" in politeness
    complaints = [line for line in out.splitlines() if "complaints_twitter" in line]
    assert len(complaints) == 2 and all("roc_auc" in line or "f1" in line for line in complaints)
    # The one data set that is not in the folder is a row saying so, not an error.
    jddc = next(line for line in out.splitlines() if "uss_jddc" in line)
    assert "absent" in jddc and "–" in jddc
    assert "uss_jddc dissatisfaction zh-Hans – absent (folder not found)" in flat(out)
    assert "stanford_politeness politeness en 3 spearman 1.000, quartile_auc" in flat(out)
    assert f"data: {data} limit: all texts, 400 dialogues" in flat(out)
    assert "evaluating stanford_politeness …" in result.stderr
    table = markdown.read_text(encoding="utf-8").splitlines()
    assert table[0] == "| dataset | task | lang | n | metrics |"
    assert any(
        line.startswith("| stanford_politeness | politeness | en | 3 | spearman 1.000") for line in table
    )
    assert any(line.startswith("| uss_jddc |") and "absent (folder not found)" in line for line in table)
    assert f"wrote {markdown}" in flat(out)


def test_an_empty_data_set_folder_is_absent(data: Path) -> None:
    result = run("--data", str(data), "--dataset", "uss_english")
    assert result.exit_code == 0, result.output
    assert "uss_english dissatisfaction en – absent (no data files in folder)" in flat(result.stdout)


def test_data_folder_from_the_environment(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_EVAL_DATA", str(data))
    result = run("--dataset", "stanford_politeness")
    assert result.exit_code == 0, result.output
    assert "spearman 1.000" in result.stdout


def test_missing_data_folder_and_unknown_data_set_are_clear_errors(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere"
    result = run("--data", str(missing))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert " ".join(result.stderr.split()) == f"error: data folder {missing} does not exist"

    monkeypatch.setattr(evaluate_cli, "default_data_dir", lambda: None)
    monkeypatch.delenv("CALLQA_EVAL_DATA", raising=False)
    none = run()
    assert none.exit_code == 2
    assert "error: no data folder: pass --data or set CALLQA_EVAL_DATA" in none.stderr

    unknown = run("--data", str(data), "--dataset", "imdb")
    assert unknown.exit_code == 2
    assert "error: unknown data set 'imdb'; expected one of twitter_airline_sentiment" in unknown.stderr


INTENTS = {
    "GetQuote": [
        "I need a quote for my car",
        "how much would insurance cost for my van",
        "price for home cover",
        "can you give me a quote",
        "what would a policy for my bike cost",
        "quote for a new car please",
    ],
    "FileClaim": [
        "I had an accident and want to claim",
        "my house was flooded, I need to file a claim",
        "someone hit my car, how do I claim",
        "I want to report a claim",
        "file a claim for my stolen bike",
        "start a claim for the storm damage",
    ],
    "ResetPassword": [
        "I forgot my password",
        "can't log in to my account",
        "reset my password please",
        "the website says my password is wrong",
        "locked out of the portal",
        "new password needed",
    ],
}


def test_contact_reasons_on_a_small_intent_file(tmp_path: Path) -> None:
    folder = tmp_path / "dstc11_intent_induction"
    folder.mkdir()
    lines = [
        json.dumps({"utterance": text, "utterance_id": f"u{i}-{j}", "intent": intent})
        for i, (intent, texts) in enumerate(INTENTS.items())
        for j, text in enumerate(texts)
    ]
    (folder / "insurance_dev_test-utterances.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    markdown = tmp_path / "table.md"
    result = run("--data", str(tmp_path), "--dataset", "dstc11_insurance", "--markdown", str(markdown))
    assert result.exit_code == 0, result.output
    rows = [line for line in markdown.read_text(encoding="utf-8").splitlines() if "dstc11_insurance" in line]
    assert len(rows) == 4
    assert rows[0].startswith(
        "| dstc11_insurance | contact reason, 5-fold cross-validation | en | 18 | accuracy "
    )
    accuracy = float(re.search(r"accuracy (\d\.\d+)", rows[0]).group(1))  # type: ignore[union-attr]
    assert accuracy >= 0.8  # three clearly different reasons
    assert rows[1].startswith(
        "| dstc11_insurance | contact reason, 5 examples per reason | en | 3 | accuracy "
    )
    # three reasons: two named (75 % rounded), the third must get none
    assert rows[2].startswith(
        "| dstc11_insurance | contact reason, open set (75% of reasons named) | en | 3 |"
    )
    assert "unknown_rejected" in rows[2] and "known_accuracy" in rows[2]
    assert rows[3].startswith("| dstc11_insurance | topic discovery")
