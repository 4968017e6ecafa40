"""CTranslate2 options of a transcription: a compute type this CPU cannot run is a coded error."""

from __future__ import annotations

from pathlib import Path

import pytest

from callqa.audio.transcribe import Transcriber, TranscribeSettings
from callqa.core.errors import CallqaError, ErrorCode

pytestmark = pytest.mark.issue(20)


def test_an_unknown_compute_type_is_a_coded_error_naming_the_model_folder(tmp_path: Path) -> None:
    transcriber = Transcriber(TranscribeSettings(model="tiny.en", compute_type="int3"), data_dir=tmp_path)
    with pytest.raises(CallqaError) as error:
        transcriber.model()
    assert error.value.code is ErrorCode.I713
    assert transcriber.folder.path in str(error.value)
    assert "int3" in str(error.value)
