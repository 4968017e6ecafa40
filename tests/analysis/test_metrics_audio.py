"""Talk metrics of a transcribed recording take the figures measured on its audio."""

from __future__ import annotations

from callqa.analysis.base import Analysis
from callqa.analysis.metrics import MetricsAnalyzer
from callqa.core.document import Interaction

TURNS = [
    {"role": "agent", "text": "Acme Bank, Anna speaking, how can I help?", "start_ms": 0, "end_ms": 3000},
    {"role": "customer", "text": "My card was charged twice.", "start_ms": 9000, "end_ms": 11000},
]
RECORDING = {
    "uri": "callqa-files:audio/x.flac",
    "duration_ms": 12000,
    "channels": 2,
    "sample_rate": 8000,
    "source_sha256": "0" * 64,
    "transcription": {
        "metrics": {"overtalk_s": 1.4, "overtalk_count": 2, "silence_total_s": 5.5, "hold_total_s": 99}
    },
}


def metrics(**extra: object) -> dict[str, object]:
    doc = Interaction.model_validate({"external_id": "c", "channel": "voice", "turns": TURNS, **extra})
    return dict(MetricsAnalyzer()(Analysis(doc))["metrics"])


def test_audio_measures_replace_the_transcript_estimates() -> None:
    plain, heard = metrics(), metrics(recording=RECORDING)
    assert plain["overtalk_s"] == 0.0 and plain["silence_total_s"] == 6.0
    assert (heard["overtalk_s"], heard["overtalk_count"], heard["silence_total_s"]) == (1.4, 2, 5.5)
    # holds come from the hold events a recording adds, not from this summary
    assert heard["hold_total_s"] == plain["hold_total_s"] == 0.0
    assert heard["turns"] == plain["turns"] == 2
