"""E-mail input: .eml and .mbox threading, body extraction, charsets, quote and signature stripping."""

from __future__ import annotations

import base64
import quopri
from datetime import UTC, datetime
from pathlib import Path

from callqa.core.config import IngestConfig
from callqa.core.document import Channel, Direction, Interaction, Role
from callqa.ingest.base import Failure, Parsed, ParseResult
from callqa.ingest.formats.email import EMAIL, MBOX

CONFIG = IngestConfig.model_validate({"email": {"company_domains": ["acmebank.com"]}})

MSG1 = """From: Alice Smith <alice@example.com>
To: help@acmebank.com
Subject: Card declined
Date: Mon, 05 Oct 2026 10:00:00 +0000
Message-ID: <t1@example.com>

Hi,

My card was declined yesterday at the shop.

Best regards,
Alice Smith
+44 20 1234 5678
"""
MSG2 = """From: Bob Jones <bob@acmebank.com>
To: Alice Smith <alice@example.com>
Subject: Re: Card declined
Date: Mon, 05 Oct 2026 11:30:00 +0000
Message-ID: <t2@acmebank.com>
In-Reply-To: <t1@example.com>
References: <t1@example.com>

Hello Alice,

We have lifted the block on your card.

Kind regards,
Bob Jones
Acme Bank Support

On Mon, 5 Oct 2026 at 10:00, Alice Smith <alice@example.com>
wrote:
> Hi,
> My card was declined yesterday at the shop.
"""
MSG3 = """From: Alice Smith <alice@example.com>
To: Bob Jones <bob@acmebank.com>
Subject: RE: Re: Card declined
Date: Mon, 05 Oct 2026 12:00:00 +0000
Message-ID: <t3@example.com>
In-Reply-To: <t2@acmebank.com>
References: <t1@example.com> <t2@acmebank.com>

Thanks, it works now!

--\x20
Alice Smith

-----Original Message-----
From: Bob Jones <bob@acmebank.com>
Sent: Monday, October 5, 2026 11:30 AM
To: Alice Smith <alice@example.com>
Subject: Re: Card declined

Hello Alice, we have lifted the block on your card.
"""


def mbox(*messages: str) -> str:
    return "".join(f"From x@y Mon Oct  5 10:00:00 2026\n{m}\n" for m in messages)


def parse(fmt: object, path: Path, config: IngestConfig = CONFIG) -> list[ParseResult]:
    assert fmt is EMAIL or fmt is MBOX
    return list(fmt.parse(path, config))


def only(results: list[ParseResult]) -> Interaction:
    parsed = [r for r in results if isinstance(r, Parsed)]
    assert len(parsed) == 1, results
    return parsed[0].interaction


def test_a_three_message_thread_in_one_mbox_is_one_interaction(tmp_path: Path) -> None:
    path = tmp_path / "thread.mbox"
    path.write_text(mbox(MSG3, MSG1, MSG2), "utf-8")
    results = parse(MBOX, path)
    assert len(results) == 1 and isinstance(results[0], Parsed) and results[0].merge
    doc = results[0].interaction
    assert doc.external_id == "t1@example.com"
    assert doc.channel is Channel.EMAIL and doc.source == "email"
    assert doc.subject == "Card declined"
    assert doc.direction is Direction.INBOUND
    assert doc.customer == "alice@example.com" and doc.agent == "bob@acmebank.com"
    assert doc.started_at == datetime(2026, 10, 5, 10, 0, tzinfo=UTC)
    assert [t.role for t in doc.turns] == [Role.CUSTOMER, Role.AGENT, Role.CUSTOMER]
    assert [t.external_id for t in doc.turns] == ["t1@example.com", "t2@acmebank.com", "t3@example.com"]
    assert [t.start_ms for t in doc.turns] == [0, 90 * 60_000, 120 * 60_000]
    assert [t.speaker for t in doc.turns] == ["Alice Smith", "Bob Jones", "Alice Smith"]
    assert doc.turns[0].text == "Hi,\n\nMy card was declined yesterday at the shop."
    assert doc.turns[1].text == "Hello Alice,\n\nWe have lifted the block on your card."
    assert doc.turns[2].text == "Thanks, it works now!"
    assert results[0].ref.line == 1


def test_the_same_thread_as_three_eml_files_gives_three_fragments_of_one_thread(tmp_path: Path) -> None:
    fragments = []
    for number, message in enumerate((MSG1, MSG2, MSG3), start=1):
        path = tmp_path / f"m{number}.eml"
        path.write_text(message, "utf-8")
        results = parse(EMAIL, path)
        assert len(results) == 1 and isinstance(results[0], Parsed)
        fragments.append(results[0])
    assert {f.interaction.external_id for f in fragments} == {"t1@example.com"}
    assert all(f.merge and f.ref.line is None for f in fragments)
    assert [f.interaction.turns[0].external_id for f in fragments] == [
        "t1@example.com",
        "t2@acmebank.com",
        "t3@example.com",
    ]
    assert fragments[1].interaction.direction is Direction.OUTBOUND
    assert fragments[1].interaction.subject == "Card declined"
    assert fragments[1].interaction.customer == "alice@example.com"


def test_an_html_only_message_becomes_text_with_paragraphs_and_no_quote(tmp_path: Path) -> None:
    path = tmp_path / "html.eml"
    path.write_text(
        """From: Carol <carol@example.org>
To: help@acmebank.com
Subject: Login
Date: Tue, 06 Oct 2026 08:00:00 +0200
Message-ID: <h1@example.org>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><style>p { color: red; }</style></head><body>
<p>Hello,</p><p>I cannot log in &amp; the app shows <b>error 42</b>.<br>Please help.</p>
<div class="gmail_quote">On Sun, Oct 4, 2026 at 9:00 AM Bob &lt;bob@acmebank.com&gt; wrote:
<blockquote>Please update the app.</blockquote></div>
</body></html>
""",
        "utf-8",
    )
    doc = only(parse(EMAIL, path))
    assert doc.turns[0].text == "Hello,\n\nI cannot log in & the app shows error 42.\nPlease help."
    assert doc.started_at == datetime(2026, 10, 6, 6, 0, tzinfo=UTC)


def test_multipart_alternative_prefers_the_plain_part_and_skips_attachments(tmp_path: Path) -> None:
    path = tmp_path / "alt.eml"
    path.write_text(
        """From: Dan <dan@example.com>
Subject: Statement
Message-ID: <alt@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/html; charset=utf-8

<p>HTML version</p>
--inner
Content-Type: text/plain; charset=utf-8

Plain version.
--inner--
--outer
Content-Type: text/plain; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"

attached notes
--outer--
""",
        "utf-8",
    )
    doc = only(parse(EMAIL, path))
    assert [t.text for t in doc.turns] == ["Plain version."]
    assert doc.started_at is None and doc.turns[0].start_ms is None


def test_gbk_base64_message_declared_gb2312_is_decoded(tmp_path: Path) -> None:
    # 喆 is outside GB2312: clients declare gb2312 but send GBK, so the superset codec must be used.
    body = (
        "您好，\n\n我的信用卡被锁定了，请帮忙解锁。\n\n此致\n敬礼\n张喆\n\n"
        "在 2026年10月5日周一 上午10:00，客服 <kefu@acmebank.com> 写道：\n> 请提供您的卡号。\n"
    )
    subject = base64.b64encode("回复: 信用卡锁定".encode("gbk")).decode()
    encoded = base64.encodebytes(body.encode("gbk")).decode()
    path = tmp_path / "zh.eml"
    path.write_text(
        f"From: =?gb2312?B?{base64.b64encode('张喆'.encode('gbk')).decode()}?= <zhe@example.cn>\n"
        f"To: kefu@acmebank.com\nSubject: =?gb2312?B?{subject}?=\nDate: Mon, 05 Oct 2026 18:00:00 +0800\n"
        "Message-ID: <zh2@example.cn>\nIn-Reply-To: <zh1@acmebank.com>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=gb2312\nContent-Transfer-Encoding: base64\n\n" + encoded,
        "ascii",
    )
    doc = only(parse(EMAIL, path))
    assert doc.turns[0].text == "您好，\n\n我的信用卡被锁定了，请帮忙解锁。"
    assert doc.turns[0].speaker == "张喆"
    assert doc.subject == "信用卡锁定"
    assert doc.external_id == "zh1@acmebank.com"


def test_big5_8bit_message_with_raw_header_and_outlook_block_is_decoded(tmp_path: Path) -> None:
    message = (
        "From: 王小明 <ming@example.tw>\nTo: service@acmebank.com\nSubject: 轉寄: 退款進度\n"
        "Date: Tue, 06 Oct 2026 09:00:00 +0800\nMessage-ID: <tw1@example.tw>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=big5\nContent-Transfer-Encoding: 8bit\n\n"
        "您好，\n\n我想查詢退款進度，已經等了兩週。\n\n謝謝\n王小明\n\n"
        "寄件者: 客服 <service@acmebank.com>\n寄件日期: 2026年10月4日 下午 3:00\n收件者: 王小明\n"
        "主旨: 退款\n\n我們已收到您的申請。\n"
    )
    path = tmp_path / "tw.mbox"
    path.write_bytes(mbox(message).encode("big5"))
    doc = only(parse(MBOX, path))
    assert doc.turns[0].text == "您好，\n\n我想查詢退款進度，已經等了兩週。"
    assert doc.turns[0].speaker == "王小明"
    assert doc.subject == "退款進度"


def test_lithuanian_messages_lose_quote_headers_and_closings(tmp_path: Path) -> None:
    customer = (
        "Laba diena,\n\nnoriu sužinoti, kada bus grąžinti pinigai už užsakymą.\n\n"
        "Pagarbiai,\nJonas Petraitis\nTel. +370 600 00000\n\n"
        "2026-10-04, pr, 15:00 Acme Bank <pagalba@acmebank.com> rašė:\n> Sveiki, gavome jūsų laišką.\n"
    )
    agent = (
        "Sveiki, Jonai,\n\npinigai bus grąžinti per tris darbo dienas.\n\nSu pagarba,\nRūta Kazlauskienė\n"
        "Klientų aptarnavimas\n\nNuo: Jonas Petraitis <jonas@example.lt>\n"
        "Išsiųsta: 2026 m. spalio 5 d. 09:00\n"
        "Kam: pagalba@acmebank.com\nTema: Pinigų grąžinimas\n\nLaba diena, noriu sužinoti...\n"
    )
    first = (
        "From: Jonas Petraitis <jonas@example.lt>\nTo: pagalba@acmebank.com\nSubject: Pinigų grąžinimas\n"
        "Date: Mon, 05 Oct 2026 09:00:00 +0300\nMessage-ID: <lt1@example.lt>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=windows-1257\nContent-Transfer-Encoding: quoted-printable\n\n"
    ).encode() + quopri.encodestring(customer.encode("cp1257"))
    second = (
        "From: =?utf-8?q?R=C5=ABta?= <ruta@acmebank.com>\nTo: jonas@example.lt\n"
        "Subject: Atsakymas: Pinigų grąžinimas\nDate: Mon, 05 Oct 2026 10:00:00 +0300\n"
        "Message-ID: <lt2@acmebank.com>\nIn-Reply-To: <lt1@example.lt>\n"
        "Content-Type: text/plain; charset=utf-8\n\n" + agent
    ).encode("utf-8")
    path = tmp_path / "lt.mbox"
    separator = b"From x@y Mon Oct  5 10:00:00 2026\n"
    path.write_bytes(separator + first + b"\n\n" + separator + second + b"\n")
    doc = only(parse(MBOX, path))
    assert doc.subject == "Pinigų grąžinimas"
    assert [t.text for t in doc.turns] == [
        "Laba diena,\n\nnoriu sužinoti, kada bus grąžinti pinigai už užsakymą.",
        "Sveiki, Jonai,\n\npinigai bus grąžinti per tris darbo dienas.",
    ]
    assert [t.speaker for t in doc.turns] == ["Jonas Petraitis", "Rūta"]
    assert doc.turns[1].start_ms == 3_600_000


def test_persian_messages_lose_quote_headers_and_closings(tmp_path: Path) -> None:
    customer = (
        "سلام،\n\nسفارش من هنوز نرسیده است.\n\nبا تشکر،\nعلی رضایی\n\n"
        "در تاریخ دوشنبه ۵ اکتبر ۲۰۲۶، ۱۰:۰۰ پشتیبانی <support@acmebank.com> نوشت:\n> سفارش شما ارسال شد.\n"
    )
    agent = (
        "سلام آقای رضایی،\n\nبسته شما فردا تحویل داده می‌شود.\n\nبا احترام\nمریم احمدی\nپشتیبانی\n\n"
        "از: علی رضایی <ali@example.ir>\nارسال: دوشنبه ۵ اکتبر ۲۰۲۶\nبه: support@acmebank.com\n"
        "موضوع: سفارش\n\nسلام، سفارش من هنوز نرسیده است.\n"
    )
    head = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
    path = tmp_path / "fa.mbox"
    path.write_text(
        mbox(
            "From: Ali <ali@example.ir>\nTo: support@acmebank.com\nSubject: سفارش\n"
            f"Date: Mon, 05 Oct 2026 12:00:00 +0330\nMessage-ID: <fa1@example.ir>\n{head}\n{customer}",
            "From: Maryam <maryam@acmebank.com>\nTo: ali@example.ir\nSubject: پاسخ: سفارش\n"
            "Date: Mon, 05 Oct 2026 13:00:00 +0330\nMessage-ID: <fa2@acmebank.com>\n"
            f"References: <fa1@example.ir>\n{head}\n{agent}",
        ),
        "utf-8",
    )
    doc = only(parse(MBOX, path))
    assert doc.subject == "سفارش"
    assert [t.text for t in doc.turns] == [
        "سلام،\n\nسفارش من هنوز نرسیده است.",
        "سلام آقای رضایی،\n\nبسته شما فردا تحویل داده می‌شود.",
    ]
    assert [t.role for t in doc.turns] == [Role.CUSTOMER, Role.AGENT]


def test_subdomains_and_listed_addresses_are_agents(tmp_path: Path) -> None:
    config = IngestConfig.model_validate(
        {"email": {"company_domains": ["acmebank.com"], "agent_addresses": ["Helper@Gmail.com"]}}
    )

    def message(sender: str, number: int) -> str:
        return (
            f"From: {sender}\nTo: someone@example.com\nSubject: Fees\n"
            f"Date: Mon, 05 Oct 2026 1{number}:00:00 +0000\nMessage-ID: <s{number}@x>\n"
            f"References: <s0@x>\n\nMessage number {number}.\n"
        )

    path = tmp_path / "agents.mbox"
    path.write_text(
        mbox(
            message("Anna <anna@support.acmebank.com>", 1),
            message("eve@notacmebank.com", 2),
            message("helper@gmail.com", 3),
            message("x@acmebank.com.evil.org", 4),
        ),
        "utf-8",
    )
    doc = only(parse(MBOX, path, config))
    assert [t.role for t in doc.turns] == [Role.AGENT, Role.CUSTOMER, Role.AGENT, Role.CUSTOMER]
    assert doc.direction is Direction.OUTBOUND and doc.agent == "anna@support.acmebank.com"
    assert doc.customer == "eve@notacmebank.com" and doc.external_id == "s0@x"


def test_threads_without_references_fall_back_to_subject_and_customer(tmp_path: Path) -> None:
    path = tmp_path / "loose.mbox"
    path.write_text(
        mbox(
            # The reply comes first in the file: grouping follows the dates, not the file order.
            "From: help@acmebank.com\nTo: dan@example.com\nSubject: AW: Address change\n"
            "Date: Mon, 05 Oct 2026 11:00:00 +0000\nMessage-ID: <d2@acmebank.com>\n\nPlease send proof.\n",
            "From: dan@example.com\nTo: help@acmebank.com\nSubject: Address change\n"
            "Date: Mon, 05 Oct 2026 10:00:00 +0000\nMessage-ID: <d1@example.com>\n\nI moved house.\n",
            "From: erin@example.com\nTo: help@acmebank.com\nSubject: Address change\n"
            "Date: Mon, 05 Oct 2026 12:00:00 +0000\nMessage-ID: <e1@example.com>\n\nMe too.\n",
            # A new e-mail (no "Re:") with the same subject from the same customer starts its own thread.
            "From: dan@example.com\nTo: help@acmebank.com\nSubject: Address change\n"
            "Date: Fri, 20 Nov 2026 09:00:00 +0000\nMessage-ID: <d3@example.com>\n\nI moved again.\n",
        ),
        "utf-8",
    )
    docs = [r.interaction for r in parse(MBOX, path) if isinstance(r, Parsed)]
    assert {d.external_id: [t.text for t in d.turns] for d in docs} == {
        "d1@example.com": ["I moved house.", "Please send proof."],
        "e1@example.com": ["Me too."],
        "d3@example.com": ["I moved again."],
    }
    assert [d.direction for d in docs] == [Direction.INBOUND] * 3


def test_a_message_without_message_id_gets_a_stable_id(tmp_path: Path) -> None:
    path = tmp_path / "noid.eml"
    path.write_text("From: f@example.com\nSubject: Hi\nDate: Mon, 05 Oct 2026 10:00:00 +0000\n\nHello\n")
    first, second = only(parse(EMAIL, path)), only(parse(EMAIL, path))
    assert first.external_id == second.external_id and first.external_id.startswith("sha256:")
    assert first.turns[0].external_id == first.external_id


def test_unusable_dates_cost_only_the_time(tmp_path: Path) -> None:
    path = tmp_path / "dates.mbox"
    path.write_text(
        mbox(
            "From: a@example.com\nDate: Tue, 31 Dec 9999 23:59:59 -0500\nMessage-ID: <y1@x>\n\nFar future.\n",
            "From: b@example.com\nDate: someday (C)\nMessage-ID: <y2@x>\n\nNo idea when.\n",
        ),
        "utf-8",
    )
    docs = [r.interaction for r in parse(MBOX, path) if isinstance(r, Parsed)]
    # The mbox "From " line dates them instead.
    assert [(d.external_id, d.turns[0].text) for d in docs] == [
        ("y1@x", "Far future."),
        ("y2@x", "No idea when."),
    ]
    assert {d.started_at for d in docs} == {datetime(2026, 10, 5, 10, 0, tzinfo=UTC)}
    eml = tmp_path / "far.eml"
    eml.write_text("From: a@example.com\nDate: 0001-01-01T00:00:00+05:00\nMessage-ID: <y3@x>\n\nOld.\n")
    doc = only(parse(EMAIL, eml))
    assert doc.started_at is None and doc.turns[0].start_ms is None and doc.turns[0].text == "Old."


def test_bad_files_become_coded_failures(tmp_path: Path) -> None:
    cases = {
        "empty.eml": (EMAIL, b"", "[I100]"),
        "blank.mbox": (MBOX, b"\n  \n", "[I100]"),
        "garbage.mbox": (MBOX, b"\x00\x01\x02\xff" * 300, "[I101]"),
        "garbage.eml": (EMAIL, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "[I101]"),
        "nomessages.mbox": (MBOX, b"just some notes\nnothing here\n", "[I400]"),
        "nosender.eml": (EMAIL, b"Subject: hi\nMessage-ID: <x@y>\n\nhello\n", "[I401]"),
    }
    for name, (fmt, data, code) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        results = parse(fmt, path)
        assert len(results) == 1 and isinstance(results[0], Failure), name
        assert results[0].message.startswith(code), (name, results[0].message)
        assert results[0].ref.path == path


def test_a_message_without_sender_fails_alone_in_an_mbox(tmp_path: Path) -> None:
    quoted_only = "From: g@example.com\nSubject: Fwd\nMessage-ID: <q@example.com>\n\n> only a quote\n"
    path = tmp_path / "mixed.mbox"
    path.write_text(mbox(MSG1, "Subject: ghost\nMessage-ID: <g@x>\n\nwho am I\n", quoted_only), "utf-8")
    results = parse(MBOX, path)
    failures = [r for r in results if isinstance(r, Failure)]
    assert sorted((f.ref.line, f.message[:6]) for f in failures) == [(16, "[I401]"), (22, "[I402]")]
    assert only(results).turns[0].text == "Hi,\n\nMy card was declined yesterday at the shop."


def test_sniffing() -> None:
    head = b"From a@b Mon Oct  5 10:00:00 2026\nFrom: a@b\nSubject: x\n"
    assert MBOX.sniff(Path("export"), head) > 0 and MBOX.sniff(Path("x.mbox"), b"") > 0
    assert MBOX.sniff(Path("notes.txt"), head) == 0 and MBOX.sniff(Path("notes"), b"From here on\n") == 0
    assert EMAIL.sniff(Path("a.EML"), b"") > 0 and EMAIL.sniff(Path("a.txt"), head) == 0
