"""Reference docs generated from the code (error catalogue, settings, CLI, JSON Schema), so they cannot drift.

``python -m callqa.reference`` rewrites the files in ``docs/``; a test fails when they are out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
import yaml

from callqa.core.document import interaction_json_schema
from callqa.core.errors import ErrorCode
from callqa.core.settings import Settings
from callqa.reference_engine import analyzers_markdown, detectors_markdown, scorecard_schema

_GROUPS = {
    "I1": "Reading files",
    "I2": "JSON inputs",
    "I3": "Transcripts, chats and CSV",
    "I4": "E-mail",
    "I5": "Vendor formats",
    "I6": "Storing",
    "I7": "Audio and speech recognition",
    "I8": "Audio signal",
    "F1": "File store",
    "C1": "Configuration",
    "A1": "Analyzer pipeline",
    "S1": "Scorecards",
    "L1": "LLM judge",
    "Q1": "Queries",
}


def errors_markdown() -> str:
    """docs/errors.md: every coded error with its message template."""
    lines = [
        "# Error codes",
        "",
        "Every problem callqa reports carries a code; ingest failures print as `file[:line]: [CODE] cause`.",
        "This page is generated from `src/callqa/core/errors.py` by `python -m callqa.reference`.",
    ]
    group = None
    for code in ErrorCode:
        prefix = code.name[:2]
        if prefix != group:
            group = prefix
            lines += ["", f"## {_GROUPS.get(prefix, prefix)}", "", "| code | message |", "|---|---|"]
        template = code.value.replace("|", "\\|")
        lines.append(f"| `{code.name}` | {template} |")
    return "\n".join(lines) + "\n"


def settings_markdown() -> str:
    """docs/settings.md: every environment setting."""
    lines = [
        "# Settings",
        "",
        "Read from environment variables (or a `.env` file in the working folder).",
        "Generated from `src/callqa/core/settings.py` by `python -m callqa.reference`.",
        "",
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = "(per user)" if field.default_factory is not None else repr(field.default)
        lines.append(f"| `CALLQA_{name.upper()}` | {default} | {field.description or ''} |")
    return "\n".join(lines) + "\n"


def cli_markdown(app: typer.Typer) -> str:
    """docs/cli.md: every command with its arguments and options."""
    root = typer.main.get_command(app)
    lines = ["# Command line", "", "Generated from the code by `python -m callqa.reference`.", ""]
    for path, command in _commands(root, ["callqa"]):
        lines += _command_markdown(path, command)
    return "\n".join(lines).rstrip() + "\n"


def _commands(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    """Leaf commands under a (vendored) click group, found by duck typing."""
    if hasattr(command, "commands"):
        found: list[tuple[list[str], Any]] = []
        for name in sorted(command.commands):
            found += _commands(command.commands[name], [*path, name])
        return found
    return [(path, command)]


def _command_markdown(path: list[str], command: Any) -> list[str]:
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    options = [p for p in command.params if p.param_type_name == "option" and p.name != "help"]
    usage = " ".join([*path, *(a.name.upper() for a in arguments), "[OPTIONS]" if options else ""])
    lines = [f"## `{' '.join(path)}`", "", (command.help or "").strip(), "", f"    {usage.strip()}", ""]
    rows = [(a.name.upper(), str(getattr(a, "help", "") or "").strip()) for a in arguments] + [
        (", ".join(o.opts + o.secondary_opts), (o.help or "").strip() + _default(o)) for o in options
    ]
    if rows:
        lines += ["| argument / option | meaning |", "|---|---|"]
        lines += [f"| `{name}` | {text.replace('|', '/')} |" for name, text in rows]
        lines.append("")
    return lines


def _default(option: Any) -> str:
    if option.is_flag and not option.secondary_opts:
        return ""
    if option.default is None or option.default == () or callable(option.default):
        return ""
    value = option.default.value if hasattr(option.default, "value") else option.default
    return f" (default: `{value}`)"


CHECKLIST = (
    "greeting",
    "recording_disclosure",
    "identity_before_account",
    "active_listening",
    "empathy",
    "solution_explained",
    "next_steps",
    "anything_else",
    "thanks",
    "hold_etiquette",
    "transfer_explained",
    "no_card_readback",
)


def demo_markdown() -> str:
    """docs/demo-data.md: every demo interaction and which checklist items it passes and fails."""
    from callqa.demo import demo_data_dir

    entries: list[dict[str, Any]] = yaml.safe_load((demo_data_dir() / "manifest.yaml").read_text("utf-8"))
    languages = sorted({str(e["language"]) for e in entries})
    channels = sorted({str(e["channel"]) for e in entries})
    lines = [
        "# The demo data",
        "",
        f"{len(entries)} interactions of the fictional **Acme Bank** contact centre (安信银行 / 安信銀行 /",
        "Acme bankas / بانک اکمه), written for callqa and bundled in `src/callqa/demo/data/`. `callqa demo`",
        "(README command 1) loads them. Channels: "
        + ", ".join(channels)
        + "; languages: "
        + ", ".join(languages)
        + ".",
        "",
        "Formats exercised: plain-text transcripts with sidecar JSON (calls/*.txt + .json),",
        "callqa JSONL (calls/*.jsonl), chat exports (chats/*.json), e-mail threads as separate `.eml` files",
        "and as an `.mbox`, a CSV of survey results (`metadata.csv`) and a CSV routing each e-mail thread",
        "to its agent, team, queue and language (`email/threads.csv`), both applied by external id.",
        "`callqa.yaml` holds the demo's ingest config (the company e-mail domain). Card numbers in the demo",
        "are public test numbers; they are redacted on import like any other.",
        "",
        "Each interaction's expected QA outcome (what a careful analyst would mark) is in `manifest.yaml`;",
        "the scoring engine is tested against it. This page is generated from the manifest by",
        "`python -m callqa.reference`.",
        "",
        "| external id | channel | language | agent / team | what it demonstrates |",
        "|---|---|---|---|---|",
    ]
    for e in entries:
        lines.append(
            f"| `{e['external_id']}` | {e['channel']} | {e['language']} | {e['agent']} / {e['team']} "
            f"| {str(e['description']).replace('|', '/')} |"
        )
    lines += ["", "## Checklist coverage", "", "| checklist item | pass | fail |", "|---|---|---|"]
    for item in CHECKLIST:
        passing = [str(e["external_id"]) for e in entries if e["expected"].get(item) == "pass"]
        failing = [str(e["external_id"]) for e in entries if e["expected"].get(item) == "fail"]
        lines.append(f"| {item} | {', '.join(passing)} | {', '.join(failing)} |")
    moments: dict[str, list[str]] = {}
    for e in entries:
        for moment in e.get("moments") or []:
            moments.setdefault(str(moment), []).append(str(e["external_id"]))
    lines += ["", "## Key moments", "", "| moment | interactions |", "|---|---|"]
    lines += [f"| {m} | {', '.join(ids)} |" for m, ids in sorted(moments.items())]
    return "\n".join(lines) + "\n"


def generated_files(docs: Path) -> dict[Path, str]:
    """Every generated file and its content."""
    from callqa.cli import app

    schema = json.dumps(interaction_json_schema(), indent=2, ensure_ascii=False) + "\n"
    return {
        docs / "errors.md": errors_markdown(),
        docs / "settings.md": settings_markdown(),
        docs / "cli.md": cli_markdown(app),
        docs / "interaction.schema.json": schema,
        docs / "demo-data.md": demo_markdown(),
        docs / "analyzers.md": analyzers_markdown(),
        docs / "detectors.md": detectors_markdown(),
        docs / "scorecard.schema.json": scorecard_schema(),
    }


def main() -> None:
    docs = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    for path, content in generated_files(docs).items():
        path.write_text(content, encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
