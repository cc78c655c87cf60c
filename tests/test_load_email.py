"""Quoted replies: attributed to their author, never to the one who quotes them."""

import pytest

from factcheck.corpus.email import html_to_text, split_quotes


def parts_by_role(text, parts):
    return [(p.role, p.author, text[p.start:p.end].strip()) for p in parts if text[p.start:p.end].strip()]


def test_load_email_on_wrote_header_names_the_quoted_author():
    body = "Yes.\n\nOn Wed, Sep 20, 2017 at 3:52 PM, Ann Lee <ann@x.org> wrote:\n> We refuse.\n> Really.\n"
    text, parts = split_quotes(body, "Bo <bo@x.org>", None, "ref@x")
    found = parts_by_role(text, parts)
    assert found[0] == ("body", "Bo <bo@x.org>", "Yes.")
    assert found[1][0] == "header"
    assert found[2] == ("quoted", "Ann Lee <ann@x.org>", "We refuse.\nReally.")
    quoted = [p for p in parts if p.role == "quoted"][0]
    assert quoted.date.iso == "2017-09-20T15:52:00+00:00" and quoted.quote_ref == "ref@x"


def test_load_email_french_header_wrapped_over_two_lines():
    body = "D'accord.\n\nLe lun. 18 sept. 2017 à 10:15, Jean Dupont <jean@x.fr>\na écrit :\n> Nous acceptons.\n"
    text, parts = split_quotes(body, "Marie <m@x.fr>", None)
    assert ("quoted", "Jean Dupont <jean@x.fr>", "Nous acceptons.") in parts_by_role(text, parts)


def test_load_email_original_message_block():
    body = ("Agreed.\n\n-----Original Message-----\nFrom: Carl Nash <carl@x.com>\nSent: Monday, May 6, 2019 9:00 AM\n"
            "To: Dee <d@x.com>\nSubject: plan\n\nWe will merge the teams.\n")
    text, parts = split_quotes(body, "Dee <d@x.com>", None)
    found = parts_by_role(text, parts)
    assert ("quoted", "Carl Nash <carl@x.com>", "We will merge the teams.") in found
    assert not any(r == "body" and "merge" in t for r, _, t in found)


def test_load_email_bare_quote_is_attributed_to_nobody():
    text, parts = split_quotes("> Someone said this.\nI reply.\n", "Me <me@x>", None)
    assert parts_by_role(text, parts) == [("quoted", None, "Someone said this."), ("body", "Me <me@x>", "I reply.")]


def test_load_email_nested_quotes_keep_their_authors():
    body = ("Final.\n\nOn Tue, Jan 2, 2018, Bea <b@x> wrote:\n> Middle.\n>\n"
            "> On Mon, Jan 1, 2018, Cy <c@x> wrote:\n>> First.\n")
    text, parts = split_quotes(body, "Al <a@x>", None)
    found = parts_by_role(text, parts)
    assert ("quoted", "Bea <b@x>", "Middle.") in found
    assert ("quoted", "Cy <c@x>", "First.") in found


def test_load_email_signature_is_not_text_to_check():
    text, parts = split_quotes("Body.\n-- \nJohn Doe, CEO\nwww.example.com\n", "J <j@x>", None)
    assert [r for r, _, t in parts_by_role(text, parts) if "CEO" in t] == ["header"]


@pytest.mark.parametrize("html, expected, absent", [
    ("<p>One</p><p>Two &amp; three</p>", "One\n\nTwo & three", None),
    ("<script>evil()</script><style>x{}</style><div>Shown</div>", "Shown", "evil"),
    ("<head><title>T</title></head><body>Body<br>line</body>", "Body\nline", "T\n"),
])
def test_load_email_html_to_text(html, expected, absent):
    text = html_to_text(html)
    assert text.strip() == expected
    if absent:
        assert absent not in text
