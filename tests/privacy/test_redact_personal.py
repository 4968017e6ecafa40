"""Dates of birth and postal addresses (issue 18): redacted after a keyword or a question, in the four
languages; dates and street names that are not personal data stay."""

from __future__ import annotations

import pytest

from callqa.privacy.redact import redact_turns
from redact_support import PERSIAN, redacted

pytestmark = pytest.mark.issue(18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My date of birth is 12/06/1984, thanks", "My date of birth is [DATE_OF_BIRTH], thanks"),
        ("DOB: 1984-06-12", "DOB: [DATE_OF_BIRTH]"),
        ("I was born on the 3rd of March, 1990.", "I was born on [DATE_OF_BIRTH]."),
        ("date of birth is on october 6th. 1998.", "date of birth is on [DATE_OF_BIRTH]."),
        ("我的出生日期是1984年6月12日，谢谢", "我的出生日期是[DATE_OF_BIRTH]，谢谢"),
        ("生日：1990-03-03", "生日：[DATE_OF_BIRTH]"),
        ("Mano gimimo data 1984 m. birželio 12 d., ačiū", "Mano gimimo data [DATE_OF_BIRTH], ačiū"),
        ("gimiau 1984-06-12", "gimiau [DATE_OF_BIRTH]"),
        ("تاریخ تولد من ۱۳۶۳/۰۳/۲۲ است", "تاریخ تولد من [DATE_OF_BIRTH] است"),
        ("متولد ۲۲ خرداد ۱۳۶۳ هستم", "متولد [DATE_OF_BIRTH] هستم"),
    ],
)
def test_dates_of_birth(text: str, expected: str) -> None:
    assert redacted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My address is 6821 1st Ave, San Mateo, NY 75227. Thanks", "My address is [POSTAL_ADDRESS]. Thanks"),
        ("the zip is 94107", "the zip is [POSTAL_ADDRESS]"),
        ("I live at 12 Baker St. London NW1 6XE?", "I live at [POSTAL_ADDRESS]?"),
        ("地址是北京市朝阳区建国路88号，谢谢", "地址是[POSTAL_ADDRESS]，谢谢"),
        ("邮编100022。", "邮编[POSTAL_ADDRESS]。"),
        ("Mano adresas Gedimino pr. 9, Vilnius. Ačiū", "Mano adresas [POSTAL_ADDRESS]. Ačiū"),
        ("pašto kodas LT-01103", "pašto kodas [POSTAL_ADDRESS]"),
        ("آدرس: تهران، خیابان ولیعصر، کوچه ۱۲، پلاک ۵.", "آدرس: [POSTAL_ADDRESS]."),
        ("کد پستی ۱۴۳۴۸۶۳۱۱۱".translate(PERSIAN), "کد پستی [POSTAL_ADDRESS]"),
    ],
)
def test_addresses(text: str, expected: str) -> None:
    assert redacted(text) == expected


def test_the_answer_to_the_question_is_redacted() -> None:
    turns = [
        ("agent", "Can you confirm your date of birth?"),
        ("customer", "June 1984."),
        ("agent", "And the address we have for you?"),
        ("customer", "Baker Street, London"),
    ]
    assert [r.text for r in redact_turns(turns)] == [
        "Can you confirm your date of birth?",
        "[DATE_OF_BIRTH].",
        "And the address we have for you?",
        "[POSTAL_ADDRESS]",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The 12 June payment at our Baker Street branch failed",
        "I will send it to the address on file.",
        "What is your email address?",
        "I was born in Vilnius in 1984",  # a year alone is not a date of birth
        "请更新我的地址",
        "Noriu pakeisti adresą",
        "می‌خواهم آدرسم را عوض کنم",
        "[POSTAL_ADDRESS] and [DATE_OF_BIRTH]",
    ],
)
def test_what_is_not_personal_data_stays(text: str) -> None:
    assert redacted(text) == text


def test_an_e_mail_answer_is_no_postal_address() -> None:
    turns = [("agent", "What is your e-mail address?"), ("customer", "john at example dot com")]
    assert [r.text for r in redact_turns(turns)][1] == "john at example dot com"


def test_an_address_word_without_an_address_after_it() -> None:
    text = (
        "a free replacement card is being posted to your home address and should arrive in 3 to 5 working "
        "days, usually sooner, and you will get a text message when it has been dispatched a few minutes ago."
    )
    assert redacted(text) == text


def test_a_long_address_is_cut_between_words() -> None:
    text = "address: 1 " + "Long Street Name " * 10 + "end"
    out = redacted(text)
    assert out.startswith("address: [POSTAL_ADDRESS]")
    rest = out.removeprefix("address: [POSTAL_ADDRESS]")
    assert rest == "" or rest.startswith(" "), out


def test_a_chinese_comma_after_the_keyword_ends_the_clause() -> None:
    text = "新卡会寄到您的账单地址，大概5到7个工作日。"
    assert redacted(text) == text
