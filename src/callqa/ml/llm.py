"""An optional LLM judge behind any OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp server).

Never required and off by default. Every answer is cached under a key that includes the prompt version,
the model and the exact transcript, so re-scoring never pays twice and a prompt change is a new key.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from callqa.core.errors import CallqaError, ErrorCode

PROMPT_VERSION = "callqa.llm-judge.v1"
SYSTEM_PROMPT = (
    "You are a contact-centre quality analyst. Read the transcript and answer the question about the "
    "AGENT's behaviour. Reply with JSON only: "
    '{"answer": "yes" | "no" | "n/a", "quote": "<exact words from the transcript that show it, or empty>", '
    '"explanation": "<one short sentence>"}'
)


@dataclass(frozen=True)
class Verdict:
    """The judge's answer to one question about one transcript."""

    answer: str
    quote: str
    explanation: str
    cached: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "quote": self.quote, "explanation": self.explanation}


class VerdictCache(Protocol):
    """Where verdicts are kept between runs (the scoring service uses a database table)."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, prompt_version: str, value: dict[str, Any]) -> None: ...


class MemoryCache:
    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def get(self, key: str) -> dict[str, Any] | None:
        return self.items.get(key)

    def put(self, key: str, prompt_version: str, value: dict[str, Any]) -> None:
        self.items[key] = value


class LlmJudge:
    """Asks yes/no questions about a transcript; answers are cached by (prompt version, model, text)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout_s: float = 60,
        cache: VerdictCache | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.cache: VerdictCache = cache or MemoryCache()
        self.calls = 0

    def key(self, question: str, transcript: str, prompt_version: str) -> str:
        material = json.dumps([PROMPT_VERSION, prompt_version, self.model, question, transcript])
        return hashlib.sha256(material.encode()).hexdigest()

    def ask(self, question: str, transcript: str, prompt_version: str) -> Verdict:
        key = self.key(question, transcript, prompt_version)
        hit = self.cache.get(key)
        if hit is not None:
            return Verdict(hit["answer"], hit["quote"], hit["explanation"], cached=True)
        verdict = self._request(question, transcript)
        self.cache.put(key, f"{PROMPT_VERSION}/{prompt_version}", verdict.as_json())
        return verdict

    def _request(self, question: str, transcript: str) -> Verdict:
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Question: {question}\n\nTranscript:\n{transcript}"},
        ]
        self.calls += 1
        try:
            content = chat_completion(
                self.base_url, self.model, messages, api_key=self.api_key, timeout_s=self.timeout_s
            )
        except (urllib.error.URLError, OSError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise CallqaError(ErrorCode.L100, url=self.base_url, reason=str(exc)) from None
        return parse_verdict(content, self.base_url)


def chat_completion(
    base_url: str,
    model: str,
    messages: list[dict[str, str]],
    *,
    api_key: str | None = None,
    timeout_s: float = 30.0,
    temperature: float = 0.0,
) -> str:
    """The assistant's reply from an OpenAI-compatible ``/chat/completions`` endpoint. Network and shape
    failures propagate (``URLError``/``OSError``, ``KeyError``/``IndexError``/``TypeError``/``ValueError``):
    each caller turns them into its own coded error."""
    body = {"model": model, "temperature": temperature, "messages": messages}
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(
        f"{base_url}/chat/completions", data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        payload = json.loads(response.read().decode("utf-8"))
    return str(payload["choices"][0]["message"]["content"])


def parse_verdict(content: str, url: str) -> Verdict:
    """Read the model's JSON reply (tolerating a fenced code block around it)."""
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        data = json.loads(text)
        answer = str(data["answer"]).strip().lower()
    except (ValueError, KeyError, TypeError):
        raise CallqaError(ErrorCode.L101, url=url, reply=content[:200]) from None
    if answer not in ("yes", "no", "n/a"):
        raise CallqaError(ErrorCode.L101, url=url, reply=content[:200])
    return Verdict(answer, str(data.get("quote") or ""), str(data.get("explanation") or ""))
