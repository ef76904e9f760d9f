"""Canned responses: save, list, delete, render with language fallback and strict variables, defaults."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.errors import InvalidInput, NotFound
from groundswell.governance import audit_log
from groundswell.inbox import templates
from groundswell.models.audit import AuditEntry

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
VARS = {"customer_name": "Ana", "case_number": "42"}


def test_save_render_and_language_fallback(store: Store) -> None:
    with store.sessions() as session:
        templates.save_template(
            session, name="hello", language="en", text="Hi {customer_name} ({case_number})", actor="ed"
        )
        templates.save_template(session, name="hello", language="pt", text="Olá {customer_name}", actor="ed")
        templates.save_template(session, name="hello", language="pt_br", text="Oi {customer_name}!", actor="ed")
        assert templates.render(session, name="hello", language="pt-BR", variables=VARS) == "Oi Ana!"
        assert templates.render(session, name="hello", language="pt-PT", variables=VARS) == "Olá Ana"
        assert templates.render(session, name="hello", language="de", variables=VARS) == "Hi Ana (42)"
        assert [(t.name, t.language) for t in templates.list_templates(session, name="hello")] == [
            ("hello", "en"), ("hello", "pt"), ("hello", "pt-BR")
        ]  # fmt: skip


def test_save_replaces_and_audits_before_and_after(store: Store) -> None:
    with store.sessions() as session:
        templates.save_template(session, name="hello", language="en", text="Hi", actor="ed", now=T0)
        templates.save_template(session, name="hello", language="en", text="Hello", actor="flo", now=T0)
        templates.delete_template(session, name="hello", language="en", actor="flo", now=T0)
        assert templates.list_templates(session) == []
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [(e.action, e.actor) for e in entries] == [
            ("template.save", "ed"), ("template.save", "flo"), ("template.delete", "flo")
        ]  # fmt: skip
        assert {e.entity_id for e in entries} == {"hello:en"}
        assert entries[1].before == {"text": "Hi", "description": ""} and entries[1].after["text"] == "Hello"
        assert entries[2].before["text"] == "Hello"
        assert audit_log.verify(session).ok
        with pytest.raises(NotFound, match="no template 'hello' in language 'en'"):
            templates.delete_template(session, name="hello", language="en", actor="flo")


def test_unknown_variable_in_a_template_is_refused_with_the_known_ones(store: Store) -> None:
    with store.sessions() as session, pytest.raises(InvalidInput) as caught:
        templates.save_template(session, name="x", language="en", text="Hi {customer_nme}", actor="ed")
    assert (
        "customer_nme" in caught.value.message
        and "known variables: agent_name, brand, case_number" in caught.value.message
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hi {customer_name.__class__}", "is not a plain variable"),
        ("Hi {customer_name!r}", "is not a plain variable"),
        ("Hi {customer_name:>10}", "is not a plain variable"),
        ("Hi {0}", "is not a plain variable"),
        ("Hi {customer_name", "malformed"),
        ("   ", "needs some text"),
    ],
)
def test_malformed_templates(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        templates.check_text(text)


def test_render_names_missing_and_unknown_variables(store: Store) -> None:
    with store.sessions() as session:
        templates.save_template(
            session, name="hello", language="en", text="Hi {customer_name} ({case_number})", actor="ed"
        )
        with pytest.raises(InvalidInput, match=r"needs a value for case_number; known variables: agent_name"):
            templates.render(session, name="hello", language="en", variables={"customer_name": "Ana"})
        with pytest.raises(InvalidInput, match=r"unknown template variable\(s\) shoe_size"):
            templates.render(session, name="hello", language="en", variables={**VARS, "shoe_size": "9"})
        with pytest.raises(NotFound, match="no template 'bye' in fr or en; known templates: acknowledge, hello"):
            templates.render(session, name="bye", language="fr", variables=VARS)


def test_literal_braces_and_empty_optional_values() -> None:
    assert templates.fill("{{not a var}} {customer_name}  {note} done", {"customer_name": "Ana", "note": ""}) == (
        "{not a var} Ana done"
    )


def test_values_are_never_interpreted() -> None:
    assert templates.fill("Hi {customer_name}", {"customer_name": "{case_number} {0.__class__}"}) == (
        "Hi {case_number} {0.__class__}"
    )


@pytest.mark.parametrize(
    ("given_tag", "chain"),
    [
        ("pt-BR", ["pt-BR", "pt", "en"]),
        ("PT_br", ["pt-BR", "pt", "en"]),
        ("en-GB", ["en-GB", "en"]),
        ("es", ["es", "en"]),
    ],
)
def test_language_chain(given_tag: str, chain: list[str]) -> None:
    assert templates.language_chain(given_tag) == chain


def test_bad_language_and_name() -> None:
    with pytest.raises(InvalidInput, match="not a language tag"):
        templates.normalise_language("english!")
    with pytest.raises(InvalidInput, match="not a template name"):
        templates.save_template(None, name="Bad Name", language="en", text="x", actor="ed")  # type: ignore[arg-type]


def test_defaults_are_used_until_the_database_has_a_version_and_import_copies_them(store: Store) -> None:
    with store.sessions() as session:
        shipped = templates.find_template(session, name="lost_item.found", language="pt-BR")
        assert (shipped.language, shipped.source) == ("pt", "default")
        text = templates.render(
            session, name="lost_item.found", language="en",
            variables={"customer_name": "Ana", "item": "black suitcase", "case_number": "7", "note": ""},
        )  # fmt: skip
        assert text.startswith("Good news, Ana: we found your black suitcase (case 7). We'll")
        result = templates.import_defaults(session, actor="ed")
        assert "lost_item.found:en" in result.created and result.updated == []
        templates.save_template(
            session, name="lost_item.found", language="en", text="Found it, {customer_name}!", actor="ed"
        )
        assert templates.find_template(session, name="lost_item.found", language="en").source == "database"
        again = templates.import_defaults(session, actor="ed")
        assert again.created == [] and "lost_item.found:en" in again.unchanged
        forced = templates.import_defaults(session, actor="ed", overwrite=True)
        assert forced.updated == ["lost_item.found:en"]


def test_every_default_template_renders_within_a_post_length() -> None:
    values = {name: "x" * 12 for name in templates.KNOWN_VARIABLES}
    for versions in templates.default_templates().values():
        assert "en" in versions
        for version in versions.values():
            assert len(templates.fill(version.text, values)) <= 280, version


VALUES = st.text(alphabet=st.characters(blacklist_categories=("Z", "C")), min_size=1, max_size=20)


@given(st.dictionaries(st.sampled_from(sorted(templates.KNOWN_VARIABLES)), VALUES, min_size=1))
def test_fill_uses_every_value_verbatim(values: dict[str, str]) -> None:
    text = " | ".join(f"{{{name}}}" for name in values)
    assert templates.fill(text, values).split(" | ") == list(values.values())
