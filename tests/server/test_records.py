"""Result models read themselves from Freshservice records (server.tools.common.Record)."""

from __future__ import annotations

from typing import Annotated

import pydantic
import pytest

from server.tools.common import (
    STATUS,
    Derived,
    Flag,
    From,
    NameOf,
    Record,
    Result,
    Strings,
    Text,
    TextOf,
)


class Thing(Result):
    id: int
    subject: Text
    status: int | None
    status_name: Annotated[str | None, NameOf("status", STATUS)]
    body_text: Annotated[str | None, TextOf("body", "body_html", limit=10)]
    owner_id: Annotated[int | None, From("responder_id")]
    private: Flag
    tags: Strings = pydantic.Field(default_factory=list)
    note: str | None = "no note"


def test_a_field_the_record_lacks_is_null_or_its_default() -> None:
    thing = Thing.of({"id": 1})
    assert thing.status is None and thing.owner_id is None
    assert thing.note == "no note" and thing.tags == []


def test_keys_the_model_does_not_declare_are_dropped() -> None:
    assert "secret" not in Thing.of({"id": 1, "secret": "x"}).model_dump()


def test_a_name_field_labels_its_code_and_says_custom_for_an_unknown_one() -> None:
    assert Thing.of({"id": 1, "status": 2}).status_name == "Open"
    assert Thing.of({"id": 1, "status": 9}).status_name == "Custom (9)"


def test_a_text_field_keeps_the_records_own_text() -> None:
    assert Thing.of({"id": 1, "body_text": "own", "body": "<p>html</p>"}).body_text == "own"


def test_a_text_field_falls_back_to_the_first_html_source_set_cut_to_its_limit() -> None:
    thing = Thing.of({"id": 1, "body": "", "body_html": "<p>one two three four</p>"})
    assert thing.body_text == "one two t…"


def test_from_reads_the_key_freshservice_uses() -> None:
    assert Thing.of({"id": 1, "responder_id": 7}).owner_id == 7


def test_nulls_become_empty_text_false_and_empty_lists() -> None:
    thing = Thing.of({"id": 1, "subject": None, "private": None, "tags": None})
    assert (thing.subject, thing.private, thing.tags) == ("", False, [])


def test_truncated_and_notice_are_never_read_from_a_record() -> None:
    thing = Thing.of({"id": 1, "truncated": True, "notice": "from upstream"})
    assert thing.truncated is False and thing.notice is None


def test_a_record_without_a_required_field_fails_naming_it() -> None:
    with pytest.raises(pydantic.ValidationError, match="id"):
        Thing.of({"subject": "no id"})


def test_the_models_own_dump_validates_back_unchanged() -> None:
    thing = Thing.of({"id": 1, "status": 9, "body": "<b>x</b>", "private": 1}).model_copy(
        update={"truncated": True, "notice": "cut"}
    )
    assert Thing.model_validate(thing.model_dump()) == thing


class Named(Record):
    name: Annotated[str, Derived(lambda raw: f"{raw.get('first')} {raw.get('last')}")]


def test_a_derived_field_is_worked_out_from_the_whole_record() -> None:
    assert Named.of({"first": "Ada", "last": "Lovelace"}).name == "Ada Lovelace"


def test_a_derived_field_is_kept_when_the_models_dump_validates_back() -> None:
    named = Named.of({"first": "Ada", "last": "Lovelace"})
    assert Named.model_validate(named.model_dump()) == named


class Nested(Record):
    name: str | None


def test_records_nest() -> None:
    class Outer(Record):
        inner: list[Nested]

    assert Outer.of({"inner": [{"name": "a", "extra": 1}]}).inner == [Nested(name="a")]
