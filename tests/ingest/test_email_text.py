"""E-mail text: HTML to text, charset fallbacks, quoted-reply and signature stripping, subject cleaning."""

from __future__ import annotations

import pytest

from callqa.ingest.formats.email_text import clean_body, clean_subject, decode_bytes, html_to_text


def test_html_blocks_become_lines_and_paragraphs() -> None:
    assert html_to_text("<div>One</div><div>Two</div><p>Three</p><script>x()</script>") == "One\nTwo\n\nThree"


def test_subjects_lose_reply_and_forward_prefixes() -> None:
    assert clean_subject("RE: Fwd: 回复: 答复：Refund") == "Refund"
    assert clean_subject("Atsakymas: AW: [Ticket#12] Re[2]: Limit") == "Limit"
    assert clean_subject("Re: ") == "" and clean_subject(None) == ""


def test_signature_closings_do_not_cut_a_real_message() -> None:
    long_tail = (
        "Hi,\n\nThanks,\nbut the problem is still there: the card was declined again at the ATM this "
        "morning and in two shops, and I need it to work before my trip on Friday.\n\nAlice"
    )
    assert clean_body(long_tail) == long_tail
    many = "Regards\n" + "\n".join(f"line {i}" for i in range(10))
    assert clean_body("Body.\n\n" + many) == "Body.\n\n" + many
    assert clean_body("Thanks!") == "Thanks!"
    assert clean_body("Fixed, thank you.\n\nBest regards, Jonas") == "Fixed, thank you."
    assert clean_body("谢谢你们的帮助，问题解决了。\n\n祝好\n李雷\n电话 138 0000 0000") == (
        "谢谢你们的帮助，问题解决了。"
    )


def test_bottom_posted_reply_keeps_the_answer() -> None:
    text = "On Mon, 5 Oct 2026, Bob <bob@acmebank.com> wrote:\n> Did it work?\n\nYes, it did.\n"
    assert clean_body(text) == "Yes, it did."


def test_wrong_charset_declarations_fall_back() -> None:
    assert decode_bytes("Ačiū".encode(), "iso-8859-1") == "Ačiū"
    lithuanian = "Laba diena, ačiū už greitą atsakymą, viskas veikia, kortelė vėl aktyvi."
    assert decode_bytes(lithuanian.encode("cp1257"), "no-such-charset") == lithuanian
    assert decode_bytes("退款".encode(), "us-ascii") == "退款"


def test_a_closing_in_the_middle_of_a_short_message_is_kept() -> None:
    assert clean_body("Hello,\n\nthanks!\nThe card works again.\nBye") == (
        "Hello,\n\nthanks!\nThe card works again.\nBye"
    )
    assert clean_body("Once you wrote:\nthe fee is waived.") == "Once you wrote:\nthe fee is waived."
    prose = "Hi,\n\nOn Monday I wrote:\nplease close my account.\nNothing happened since."
    assert clean_body(prose) == prose


def test_outlook_block_after_a_rule_is_cut_with_the_rule() -> None:
    text = (
        "Done, see attached.\n\n________________________________\n"
        "From: Bob <bob@acmebank.com>\nSent: 5 October 2026 11:00\nTo: Alice\nSubject: Form\n\nPlease sign."
    )
    assert clean_body(text) == "Done, see attached."


def test_html_line_breaks_and_spacer_blocks_make_paragraphs() -> None:
    assert html_to_text("Sure.<br><br>Jonas<br>Acme") == "Sure.\n\nJonas\nAcme"
    assert html_to_text("<div>Hi,</div><div><br></div><div>Done.</div>") == "Hi,\n\nDone."
    assert html_to_text("<div>好的</div><div>&nbsp;</div><div>谢谢</div>") == "好的\n\n谢谢"
    assert html_to_text("<div>a&nbsp;b</div><div>c</div>") == "a b\nc"


def test_an_outlook_html_reply_loses_the_quoted_header_block() -> None:
    html = (
        "<div>Thanks, done.</div><div><br></div><div>Kind regards,<br>Alice</div><hr>"
        '<div id="divRplyFwdMsg"><b>From:</b> Bob &lt;bob@acmebank.com&gt;<br><b>Sent:</b> Monday, '
        "October 5, 2026 11:30 AM<br><b>To:</b> Alice<br><b>Subject:</b> Re: Card</div><div>Old text</div>"
    )
    assert clean_body(html_to_text(html)) == "Thanks, done."


QUOTED = {
    "qq-mail": (
        "好的，谢谢！\n\n------------------ 原始邮件 ------------------\n"
        '发件人: "客服"<kf@acmebank.com>;\n发送时间: 2026年10月5日(星期一) 上午10:00\n'
        '收件人: "张三"<zs@qq.com>;\n主题: 回复: 卡\n\n旧内容',
        "好的，谢谢！",
    ),
    "chinese-outlook": (
        "您好，\n卡已经解锁。\n\n此致\n敬礼\n\n发件人: 张三 <zs@example.cn>\n发送时间: 2026年10月5日 10:00\n"
        "收件人: kf@acmebank.com\n主题: 卡被锁\n\n我的卡被锁了",
        "您好，\n卡已经解锁。",
    ),
    "gmail-traditional": (
        "您好：\n退款已處理。\n\n謝謝\n客服中心\n\n"
        "在 2026年10月5日 週一 上午10:00，王小明 <ming@example.tw> 寫道：\n> 請問退款",
        "您好：\n退款已處理。",
    ),
    "chinese-closing-with-phone": (
        "谢谢你们的帮助，问题解决了。\n\n祝好\n李雷\n电话 138 0000 0000",
        "谢谢你们的帮助，问题解决了。",
    ),
    "lithuanian-nuo": (
        "Laba diena,\nkortelė atblokuota.\n\nLinkėjimai,\nRūta\n\nNuo: Jonas <jonas@example.lt>\n"
        "Data: 2026-10-05 09:00\nKam: pagalba@acmebank.com\nTema: Kortelė",
        "Laba diena,\nkortelė atblokuota.",
    ),
    "lithuanian-rase": (
        "Sveiki,\nprašau padėti.\n\n2026 m. spalio 5 d., pirmadienis, 10:00, Rūta <ruta@acmebank.com> rašė:\n"
        "> Sveiki",
        "Sveiki,\nprašau padėti.",
    ),
    "persian-nevesht": (
        "سلام\nکارت شما فعال شد.\n\nارادتمند\nمریم\n\n"
        "در ۵ اکتبر ۲۰۲۶ ساعت ۱۰:۰۰، علی <ali@example.ir> نوشت:\n> کارت من",
        "سلام\nکارت شما فعال شد.",
    ),
    "english-gmail": (
        "Hi team,\n\nPlease reset my PIN.\n\nThanks,\nAlice\n\n"
        "On Mon, Oct 5, 2026 at 10:00 AM Acme Support <help@acmebank.com> wrote:\n> Hello",
        "Hi team,\n\nPlease reset my PIN.",
    ),
    "original-message": (
        "Hello,\nSee below.\n\n-----Original Message-----\n"
        "From: Bob\nSent: Monday\nTo: Alice\nSubject: x\n\nold",
        "Hello,\nSee below.",
    ),
    "signature-with-title": (
        "Hello,\nyour card is active.\n\nBest regards\nAnna Kim\n"
        "Senior Customer Care Specialist | Acme Bank\nT: +1 555 0100\nwww.acmebank.com",
        "Hello,\nyour card is active.",
    ),
}


@pytest.mark.parametrize("case", sorted(QUOTED))
def test_quotes_and_signatures_are_cut_in_every_language(case: str) -> None:
    text, expected = QUOTED[case]
    assert clean_body(text) == expected


def test_prose_after_a_closing_word_is_kept() -> None:
    text = "Hi,\nThe card was declined.\nThanks\nAlice\nAlso the app crashes when I open it"
    assert clean_body(text) == text
    # After a bare greeting the "closing" is the message itself; only the name goes.
    assert clean_body("Hi,\nthanks\nBob") == "Hi,\nthanks"
    assert clean_body("Hello Anna,\nThank you!\nJonas") == "Hello Anna,\nThank you!"
