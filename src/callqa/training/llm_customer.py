"""The optional LLM customer: the configured OpenAI-compatible endpoint (the one the LLM judge uses) says
the script step's line in its own words, given the conversation so far. Which step comes next is still
decided by the detectors; the model only phrases it. Offline (the script as written) is the default."""

from __future__ import annotations

import urllib.error
from collections.abc import Sequence

from callqa.core.errors import CallqaError, ErrorCode
from callqa.ml.llm import chat_completion
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
        messages = self.messages(step, conversation, language)
        try:
            said = chat_completion(
                self.base_url,
                self.model,
                messages,
                api_key=self.api_key,
                timeout_s=self.timeout_s,
                temperature=0.7,
            )
        except (urllib.error.URLError, OSError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise CallqaError(
                ErrorCode.T128, practice=practice_id, url=self.base_url, reason=str(exc)
            ) from None
        content = said.strip().strip('"').strip()
        if not content:
            raise CallqaError(
                ErrorCode.T128, practice=practice_id, url=self.base_url, reason="an empty reply"
            )
        return content[:MAX_LINE]
