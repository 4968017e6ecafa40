"""What the practice tests share: the real pipeline and scorecard store, an agent, a stored scenario, and
answers measured against the standard scorecard's ``empathy`` detector (importable as ``practice_support``).

Measured on the standard scorecard: the customer's line reports a problem ("charged twice"), so an answer
passes ``empathy`` with an apology or an acknowledgement ("sorry to hear", "i understand how", "sure") and
fails without one ("What is your order number?").
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import av
import numpy as np
from sqlalchemy.orm import Session

from callqa.analysis.defaults import build_pipeline
from callqa.audio.decode import Audio, load_audio, write_audio
from callqa.demo import demo_data_dir
from callqa.scoring.detectors import Services
from callqa.scoring.store import ScorecardStore
from callqa.training.library import create_scenario
from callqa.training.practice_checks import Judging
from callqa.training.script import ScenarioContent, Script, Step
from callqa.users.models import TeamRow, UserRow
from callqa.users.schemas import Actor, UserRole
from support import Database
from training_support import analyst_user, content

EMPATHETIC = "I'm so sorry to hear that, I understand how annoying this is. Let me look into it."
CURT = "What is your order number?"
CARD = "4111 1111 1111 1111"

# The same scenario in Persian and Chinese (both scripts): an apology passes, a bare question misses
# (measured).
LINES = {
    "fa": {
        "customer": "دو بار از حسابم کسر شده و کسی جواب نمی‌دهد.",
        "angry": "اصلاً گوش نمی‌دهید! دفعه سومه که زنگ می‌زنم.",
        "calm": "ممنون. پولم کی برمی‌گردد؟",
        "empathetic": "متأسفم، حق دارید. الان بررسی می‌کنم.",
        "curt": "شماره سفارش را بگویید.",
    },
    "zh": {
        "customer": "我的订单被扣了两次，一直没人回复我。",
        "angry": "你根本没在听！这是我第三次打电话了。",
        "calm": "谢谢。那钱什么时候退回来？",
        "empathetic": "非常抱歉给您带来不便，我马上帮您查一下。",
        "curt": "请提供订单号。",
    },
    "zh-Hant": {  # the same in Traditional characters (OpenCC s2twp)
        "customer": "我的訂單被扣了兩次，一直沒人回覆我。",
        "angry": "你根本沒在聽！這是我第三次打電話了。",
        "calm": "謝謝。那錢什麼時候退回來？",
        "empathetic": "非常抱歉給您帶來不便，我馬上幫您查一下。",
        "curt": "請提供訂單號。",
    },
}


# The demo call shipped in the repository: channel 0 is the agent (16 kHz). What Whisper hears in two of
# the agent's lines (seconds into the call):
DEMO_CALL = demo_data_dir() / "calls" / "en-audio-01.flac"
GREETING = (0.0, 9.0)  # "Good morning, thank you for calling … how can I help?"
VERIFY = (14.5, 22.5)  # "Sorry ma'am, first I need to verify your identity … your post code please?"


def agent_clip(path: Path, span: tuple[float, float], *, pad_s: float = 0.0) -> Path:
    """The agent's words in ``span`` of the demo call, written to ``path`` (the suffix picks the format),
    with ``pad_s`` seconds of silence before and after."""
    call = load_audio(DEMO_CALL)
    rate = call.sample_rate
    words = call.samples[:1, round(span[0] * rate) : round(span[1] * rate)]
    silence = np.zeros((1, round(pad_s * rate)), dtype=np.float32)
    write_audio(path, Audio(np.hstack([silence, words, silence]), rate, call.source_rate))
    return path


def webm_opus(source: Path, path: Path) -> Path:
    """``source`` as Chrome's MediaRecorder uploads a recording: Opus at 48 kHz in a WebM container."""
    audio = load_audio(source, 48_000)
    with av.open(str(path), "w", format="webm") as container:
        stream = container.add_stream("libopus", rate=48_000, layout="mono")
        assert isinstance(stream, av.AudioStream)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(audio.samples), format="fltp", layout="mono")
        frame.sample_rate = 48_000
        frame.pts = 0
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


@cache
def _pipeline() -> object:
    return build_pipeline()


def judging(db: Database) -> Judging:
    """The default pipeline (built once per test run) and the scorecard store over the test database."""
    store = ScorecardStore(db.factory)
    return Judging(_pipeline(), store.current, Services())  # type: ignore[arg-type]


def agent_user(session: Session, name: str = "j.smith", team: str = "Team North") -> Actor:
    """An agent of a team, stored (the team too when new)."""
    row = session.query(TeamRow).filter_by(name=team).one_or_none()
    if row is None:
        row = TeamRow(name=team, created_at=datetime.now(UTC))
        session.add(row)
        session.flush()
    user = UserRow(
        username=name,
        display_name=name.title(),
        password_hash="!",
        role=UserRole.AGENT.value,
        agent_name=name,
        team_id=row.id,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    return Actor(user.id, name, user.display_name, UserRole.AGENT, agent_name=name, team=team)


def local_content(language: str) -> ScenarioContent:
    """The two-step script in ``language`` (fa, zh or zh-Hant)."""
    said = LINES[language]
    script = Script(
        level=1,
        start="open",
        brief="—",
        steps=(
            Step(
                id="open", customer=said["customer"], criteria=("empathy",), on_pass="calm", on_miss="angry"
            ),
            Step(id="calm", customer=said["calm"]),
            Step(id="angry", customer=said["angry"], mood="angry", criteria=("empathy",), on_pass="calm"),
        ),
    )
    return ScenarioContent(language=language, scripts=(script,), tags=("billing",))


def stored_scenario(session: Session, language: str = "en", actor: Actor | None = None) -> int:
    """The two-step empathy scenario on the standard scorecard, stored; its id."""
    actor = actor or analyst_user(session)
    body = content() if language == "en" else local_content(language)
    row = create_scenario(
        session, actor, title=f"Double charge ({language})", scorecard="standard", content=body
    )
    return row.id
