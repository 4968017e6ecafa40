"""Decoding text files: BOMs, UTF-8, legacy Chinese/Baltic encodings, and refusing binary data."""

from __future__ import annotations

import codecs

import pytest

from callqa.core.decoding import decode_text
from callqa.core.errors import CallqaError, ErrorCode

SIMPLIFIED = "客服：您好，这里是安信银行，请问有什么可以帮您？\n客户：我的信用卡被扣了两次年费。\n"
TRADITIONAL = "客服：您好，這裡是安信銀行，請問有什麼可以幫您？\n客戶：我的信用卡被扣了兩次年費。\n"
LITHUANIAN = "Operatorius: Laba diena, čia Acme bankas. Kuo galiu padėti?\nKlientas: Norėčiau sužinoti.\n"
PERSIAN = "اپراتور: سلام، اینجا بانک اکمه است.\nمشتری: کارت من مسدود شده است.\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (SIMPLIFIED, "gbk"),
        (SIMPLIFIED, "gb18030"),
        (TRADITIONAL, "big5"),
        (LITHUANIAN, "cp1257"),
        (SIMPLIFIED + PERSIAN + LITHUANIAN, "utf-8"),
    ],
)
def test_legacy_and_utf8_text_decodes_to_the_original(text: str, encoding: str) -> None:
    decoded, _ = decode_text(text.encode(encoding))
    assert decoded == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_byte_order_marks_are_honoured_and_removed(encoding: str) -> None:
    data = PERSIAN.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    decoded, _ = decode_text(data)
    assert decoded == PERSIAN
    assert not decoded.startswith("\ufeff")


@pytest.mark.parametrize("data", [b"", b"   \n\t\n"])
def test_empty_input_is_I100(data: bytes) -> None:
    with pytest.raises(CallqaError) as caught:
        decode_text(data)
    assert caught.value.code is ErrorCode.I100


def test_binary_garbage_is_I101_with_the_offset() -> None:
    data = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4
    with pytest.raises(CallqaError) as caught:
        decode_text(data)
    assert caught.value.code is ErrorCode.I101
    assert "byte 2 is 0x03" in str(caught.value)
