"""The optional LLM customer: the configured OpenAI-compatible endpoint (the one the LLM judge uses) says
the script step's line in its own words, given the conversation so far. Which step comes next is still
decided by the detectors; the model only phrases it. Offline (the script as written) is the default."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence

from callqa.core.errors import CallqaError, ErrorCode
from callqa.training.practice_checks import Line
from callqa.training.script import MAX_LINE, Step

PROMPT = (
    "You play the CUSTOMER in a contact-centre training role-play. Say the customer's next line in your own "
    "words, in the language '{language}', keeping its meaning and the mood '{mood}'. Reply with the line "
    "only: no quotes, no stage directions, no name."
)


class LlmCustomer:
    """Asks ``{base_url}/chat/completions`` for the customer's next line."""

    def __init__(
        self, base_url: str, model: str, *, api_key: str | None = None, timeout_s: float = 60
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s

    def messages(self, step: Step, conversation: Sequence[Line], language: str) -> list[dict[str, str]]:
        said = [
            {"role": "assistant" if line.role == "customer" else "user", "content": line.text}
            for line in conversation
        ]
        system = PROMPT.format(language=language, mood=step.mood)
        return [
            {"role": "system", "content": system},
            *said,
            {"role": "system", "content": f"The script's next customer line: {step.customer}"},
        ]

    def line(self, step: Step, conversation: Sequence[Line], language: str, practice_id: int) -> str:
        body = {
            "model": self.model,
            "temperature": 0.7,
            "messages": self.messages(step, conversation, language),
        }
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions",
            data=json.dumps(body).encode(),
            headers=headers,
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                payload = json.loads(response.read().decode("utf-8"))
            content = str(payload["choices"][0]["message"]["content"]).strip().strip('"').strip()
        except (urllib.error.URLError, OSError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise CallqaError(
                ErrorCode.T128, practice=practice_id, url=self.base_url, reason=str(exc)
            ) from None
        if not content:
            raise CallqaError(
                ErrorCode.T128, practice=practice_id, url=self.base_url, reason="an empty reply"
            )
        return content[:MAX_LINE]
