"""Typed settings, read from ``CALLQA_*`` environment variables (and a ``.env`` file), with the configuration
file they name: one tree, ``settings.config.scoring.scorecard`` and so on."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir
from pydantic import BaseModel, Field, PrivateAttr, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from callqa.core.config import DEFAULT_SCORECARD, CallqaConfig, load_config

_SEVERITY_RANK = {"info": 1, "warning": 2, "critical": 3}


class WebhookTarget(BaseModel):
    """Where live alerts are POSTed, signed with ``secret``, and which of them."""

    url: str = Field(pattern=r"^https?://")
    secret: SecretStr
    min_severity: Literal["info", "warning", "critical"] = "warning"
    rules: list[str] | None = Field(None, description="only these rules; all when absent")
    teams: list[str] | None = Field(None, description="only calls of these teams; all when absent")

    def wants(self, severity: str, rule: str, team: str | None) -> bool:
        """Whether an alert of this severity, rule and team goes to this target."""
        return (
            _SEVERITY_RANK[severity] >= _SEVERITY_RANK[self.min_severity]
            and (self.rules is None or rule in self.rules)
            and (self.teams is None or team in self.teams)
        )


def default_data_dir() -> Path:
    """Where callqa keeps its database and files unless told otherwise."""
    return Path(user_data_dir("callqa", appauthor=False))


class Settings(BaseSettings):
    """Process-wide configuration. Nothing is created at import time; pass this object around."""

    model_config = SettingsConfigDict(env_prefix="CALLQA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="Folder for the database and files.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file `callqa.db` in the data folder.",
    )
    config_file: Path | None = Field(
        default=None,
        description="The callqa configuration file (YAML: ingest, analysis, scoring, LLM judge, retention "
        "sections); CLI commands with --config override it.",
    )
    file_store: str | None = Field(
        default=None,
        description="Folder or fsspec URL for call audio and blobs; default: `files` in the data folder.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL (`redis://host:6379/0`): the workers' broker and the live servers' shared "
        "call state. Unset: everything runs in this process (the embedded default). See deployment.md.",
    )
    worker_visibility_timeout_s: float = Field(
        default=7200.0,
        gt=0,
        description="How long a task taken by a worker stays invisible to the others before the broker hands "
        "it out again (a worker killed mid-task): longer than the longest recording takes to transcribe.",
    )
    worker_max_retries: int = Field(
        default=10,
        ge=0,
        description="How often a worker retries a task after a transient error (database or broker "
        "unreachable), waiting 2, 4, 8 … seconds (at most 5 minutes; 10 retries span about 18 minutes); "
        "then the item is recorded in `task_failures`.",
    )
    worker_max_in_flight: int = Field(
        default=200,
        ge=1,
        description="`--enqueue` puts at most this many tasks on the broker at once (queued plus taken by "
        "workers); beyond it the enqueuer waits for the workers (a drip feed).",
    )
    worker_score_after_ingest: bool = Field(
        default=True,
        description="An ingest task puts what it stored on the score queue (off: score with "
        "`callqa score --enqueue` when you choose).",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Token Prometheus must send (`Authorization: Bearer <token>`) to read `/metrics`; unset: "
        "`/metrics` is open, like `/api/health` (counts only, no interaction data). See deployment.md.",
    )
    storage_keys: SecretStr | None = Field(
        default=None,
        description="Keys that encrypt recordings and other blobs at rest: `id:base64` pairs separated by "
        "commas, each key 32 random bytes (`callqa storage new-key` makes one); unset: blobs are stored in "
        "clear. See privacy.md, Encryption at rest.",
    )
    storage_keys_file: Path | None = Field(
        default=None,
        description="A file of storage keys, one `id:base64` pair a line (`#` comments); read with "
        "`storage_keys`. Keep it outside the data folder and its backups.",
    )
    storage_active_key: str | None = Field(
        default=None,
        description="The id of the key new blobs are written with and `callqa storage rotate-key` moves "
        "every blob to; default: the only key, when one is configured.",
    )
    sqlite_busy_timeout_s: float = Field(default=30.0, description="How long SQLite waits for a lock.")
    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Keys the web forms' CSRF tokens (at least 32 characters); default: a random key kept in "
            "`secret.key` in the data folder."
        ),
    )
    secure_cookies: bool = Field(
        default=False, description="Send the session cookie over HTTPS only (set when serving behind TLS)."
    )
    session_hours: float = Field(
        default=12.0, gt=0, description="How long a web sign-in lasts at most (absolute expiry)."
    )
    session_idle_hours: float = Field(
        default=12.0, gt=0, description="A web sign-in ends after this long without a request (idle expiry)."
    )
    live_rules_file: Path | None = Field(
        default=None,
        description="YAML file of live rules and the agent checklist; default: the shipped rules.",
    )
    live_score_calls: bool = Field(
        default=True, description="Store and score each live call when it ends (as any other interaction)."
    )
    redact_person_names: bool = Field(
        default=False,
        description="Also redact person names where someone introduces themselves ('my name is …', 我叫…, "
        "mano vardas …, اسم من …) or is addressed by title (docs/privacy.md: what it misses).",
    )
    live_call_ttl_s: int = Field(
        default=3600,
        ge=60,
        description="With `redis_url`: how long a live call's shared state outlives its last message (a call "
        "whose stream never comes back is forgotten then; its alerts are kept).",
    )
    live_lease_s: float = Field(
        default=10.0,
        gt=0.5,
        description="With `redis_url`: a live call's holder renews its lease every third of this; a server "
        "that died stops showing its calls on the boards this long after.",
    )
    live_model_process: bool = Field(
        default=True,
        description="Run the live embedding model in a lower-priority process (off: a thread, for tests).",
    )
    live_audio_model: str = Field(
        default="base", description="Whisper model for live audio streams (tiny.en for English-only centres)."
    )
    live_audio_workers: int = Field(default=2, ge=1, description="Audio chunks transcribed at once.")
    live_audio_on_workers: bool = Field(
        default=False,
        description="Send live audio chunks to `callqa worker --queues live` processes (Redis, PostgreSQL) "
        "instead of transcribing them on this server's threads: model work off the web servers.",
    )
    live_audio_timeout_s: float = Field(
        default=20.0,
        gt=0,
        description="How long a server waits for a live worker's transcript of one chunk (then the chunk "
        "is dropped, logged).",
    )
    live_audio_hotwords: list[str] = Field(
        default_factory=list, description="Names Whisper should expect in live audio (brand, products)."
    )
    live_webhooks: list[WebhookTarget] = Field(
        default_factory=list,
        description=(
            'Where to POST signed alerts, as JSON: [{"url": ..., "secret": ..., "min_severity": "warning"}].'
        ),
    )

    background_jobs: bool = Field(
        default=True,
        description="Run the insights refresher and the report sender in this web process (off for all but "
        "one process of a deployment; `callqa serve --workers N` arranges it).",
    )

    timezone: str = Field(
        default="UTC",
        description="The centre's time zone (IANA name): days, hours and weekdays of dashboards and reports.",
    )
    insights_scorecard: str = Field(
        default=DEFAULT_SCORECARD,
        description="The scorecard whose scores dashboards, reports and root causes read.",
    )
    agreement_floor: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="A criterion whose agreement with the graders is surely below this (the top of its 95 % "
        "interval) is flagged on the AI agreement page.",
    )
    dispute_target_days: int = Field(
        default=2,
        ge=1,
        le=60,
        description="Working days (Monday to Friday) a dispute may wait for a resolution; older ones are "
        "overdue on the disputes inbox.",
    )
    leaderboard_min_interactions: int = Field(
        default=5,
        ge=1,
        le=100_000,
        description="Scored interactions an agent needs in a period to be ranked on the leaderboard (fewer: "
        "listed unranked, so one lucky call does not top the board).",
    )
    agreement_check_s: float = Field(
        default=3600.0,
        ge=0,
        description="How often the server checks the AI's agreement with the graders and notifies QA staff "
        "of a criterion below the floor (0: never).",
    )
    insights_low_score: float = Field(
        default=70.0,
        ge=0,
        le=100,
        description="Scores below this count as low in dashboards and root causes.",
    )
    insights_recontact_days: int = Field(
        default=7,
        ge=1,
        description="A customer contacting again within this many days counts as a recontact.",
    )
    insights_refresh_s: float = Field(
        default=60.0,
        ge=0,
        description="How often the web server folds new scores into dashboards (0: never).",
    )

    channels_link_days: int = Field(
        default=90,
        ge=0,
        le=3660,
        description="Channel preferences: how many days before a period the interactions that tie a "
        "customer's keys together (a phone number and an account id on one call) are read; older ties are "
        "not seen, so such a customer counts as two. See operations-channels.md.",
    )
    customer_key_secret: SecretStr | None = Field(
        default=None,
        description="Secret of the pseudonymous customer keys (at least 32 characters; unset: a random one "
        "kept in <data_dir>/customer-key.secret). Every process of a deployment needs the same one.",
    )
    phone_country_code: str | None = Field(
        default=None,
        pattern=r"^[1-9][0-9]{0,2}$",
        description="Country calling code of the centre (e.g. 44, 370, 86): a phone number written "
        "nationally (020 7946 0958) gets the key of its international form (+44 20 7946 0958).",
    )
    retention_run_s: float = Field(
        default=21600.0,
        ge=0,
        description="How often the web server applies the retention policies of the configuration file "
        "(0: never; `callqa retention run` does it by hand).",
    )

    public_url: str | None = Field(
        default=None,
        description="The web app's address as users reach it (links in e-mailed reports), e.g. https://qa.example.com.",
    )
    notification_mail_s: float = Field(
        default=60.0,
        ge=0,
        description="How often the web server e-mails new notifications to the users who opted in on their "
        "profile page (0: never; needs an SMTP server).",
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server for scheduled reports (unset: no e-mail)."
    )
    smtp_port: int = Field(default=587, description="SMTP port (587 with STARTTLS, 465 with TLS, 25 plain).")
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        default="starttls", description="How the SMTP connection is secured."
    )
    smtp_username: str | None = Field(default=None, description="SMTP user name (unset: no login).")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_from: str = Field(default="callqa@localhost", description="Sender address of scheduled reports.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"'{value}' is not a known time zone (e.g. Europe/Vilnius, Asia/Shanghai)"
            ) from None
        return value

    _config: CallqaConfig | None = PrivateAttr(default=None)

    @property
    def config(self) -> CallqaConfig:
        """The configuration file's content (``config_file``; every default without one), read once."""
        if self._config is None:
            self._config = load_config(self.config_file)
        return self._config

    def with_config(self, config: CallqaConfig) -> Settings:
        """A copy of these settings with ``config`` in place of the file's content."""
        copy = self.model_copy()
        copy._config = config
        return copy

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_file_store(self) -> str:
        """The file-store root to use (a folder path or an fsspec URL)."""
        return self.file_store or str(self.data_dir / "files")

    def resolved_database_url(self) -> str:
        """The database URL to use, creating the data folder for the SQLite default."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'callqa.db'}"
