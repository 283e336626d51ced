"""Replies to a ticket's requester, and editing or deleting a ticket's conversations (the API
reference's "Conversations"). Notes and the conversation list are with the tickets."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_freshservice import errors
from mock_freshservice.api import shapes
from mock_freshservice.api.common import (
    MAX_TEXT,
    Caller,
    can_view_ticket,
    check_query,
    endpoint,
    json_response,
    live_ticket,
    location,
    read_json_object,
    require,
)
from mock_freshservice.api.uploads import (
    attachments_of,
    new_attachments,
    read_body,
    takes_uploads,
    without_attachment,
)
from mock_freshservice.data.store import Record
from mock_freshservice.errors import FieldError, ValidationFailed
from mock_freshservice.html_text import text_of
from mock_freshservice.state import get_state
from mock_freshservice.validation import Rule, array, email, integer, string, validate_body

bp = Blueprint("conversations", __name__)

NOTE_SOURCE = 2
EMAIL_SOURCE = 0

REPLY_RULES: dict[str, Rule] = {
    "body": Rule("String", string(MAX_TEXT, blank_ok=False), required=True),
    "from_email": Rule("String", email()),
    "user_id": Rule("Positive Integer", integer()),
    "cc_emails": Rule("Array", array("String", email(), 50)),
    "bcc_emails": Rule("Array", array("String", email(), 50)),
}
EDIT_RULES: dict[str, Rule] = {
    "body": Rule("String", string(MAX_TEXT, blank_ok=False), nullable=False),
}


@bp.post("/tickets/<int:ticket_id>/reply")
@endpoint("write")
@takes_uploads
def create_reply(ticket_id: int) -> Response:
    who = require("tickets.conversations.create")
    check_query(())
    body, files = read_body(REPLY_RULES)
    validate_body(body, REPLY_RULES)
    if not who.is_agent:
        raise errors.access_denied()  # a reply is an agent's email to the requester
    account = who.account
    user_id = body.get("user_id") or who.user_id
    if user_id not in account.agents:
        raise ValidationFailed(
            [FieldError("user_id", "There is no agent matching the given user_id", "invalid_value")]
        )
    now = get_state().clock.now()
    with account.lock:  # the ticket is re-read under the lock so a racing update is kept
        ticket = live_ticket(ticket_id, who)
        held = attachments_of(ticket, account.conversations(ticket)) if files else []
        attachments = new_attachments(account, ticket_id, held, files, now)
        requester = account.user(ticket["requester_id"]) or {}
        address = requester.get("primary_email", requester.get("email"))
        sender = body.get("from_email") or f"support@{account.domain}"
        reply: Record = {
            "id": account.next_conversation_id(),
            "body": body["body"],
            "body_text": text_of(body["body"]),
            "incoming": False,
            "private": False,
            "created_at": now,
            "updated_at": now,
            "user_id": user_id,
            "support_email": sender,
            "source": EMAIL_SOURCE,
            "ticket_id": ticket_id,
            "to_emails": [address] if address else [],
            "from_email": sender,
            "cc_emails": list(body.get("cc_emails") or []),
            "bcc_emails": list(body.get("bcc_emails") or []),
            "attachments": attachments,
        }
        account.add_conversation(ticket_id, reply)
        stats = dict(ticket.get("_stats") or {})
        if stats.get("first_responded_at") is None:
            stats["first_responded_at"] = now
        account.tickets.put({**ticket, "updated_at": now, "_stats": stats})
    out = shapes.render(reply, shapes.REPLY_KEYS, shapes.CONVERSATION_TIMESTAMPS)
    return json_response({"conversation": out}, 201, location(f"conversations/{reply['id']}"))


def _conversation(who: Caller, conversation_id: int, ticket_id: int | None) -> Record:
    """The conversation to change, or the refusal Freshservice gives (404, 403); under a
    ticket's path (Freshworks' OpenAPI file spells it so), only one of that ticket."""
    account = who.account
    conversation = account.conversation(conversation_id)
    if conversation is None or ticket_id not in (None, conversation["ticket_id"]):
        raise errors.NotFound()
    ticket = account.tickets.get(conversation["ticket_id"])
    assert ticket is not None  # a conversation is found through its ticket
    if not can_view_ticket(ticket, who) or ticket["deleted"] or ticket["spam"]:
        raise errors.access_denied()
    return conversation


def _written_by_agent(who: Caller, conversation: Record) -> None:
    if conversation["user_id"] not in who.account.agents:
        raise errors.access_denied()  # what a requester wrote stays as they wrote it


@bp.put("/conversations/<int:conversation_id>")
@bp.put("/tickets/<int:ticket_id>/conversations/<int:conversation_id>")
@endpoint("write")
def update_conversation(conversation_id: int, ticket_id: int | None = None) -> Response:
    who = require("tickets.conversations.edit")
    check_query(())
    body = read_json_object()
    account = who.account
    now = get_state().clock.now()
    with account.lock:
        conversation = _conversation(who, conversation_id, ticket_id)
        if conversation["source"] != NOTE_SOURCE:
            raise errors.MethodNotAllowed("PUT", ("DELETE",))  # only notes can be edited
        _written_by_agent(who, conversation)
        if not body:
            raise errors.missing_params()
        validate_body(body, EDIT_RULES)
        edited = {
            **conversation,
            "body": body["body"],
            "body_text": text_of(body["body"]),
            "updated_at": now,
        }
        account.conversation_edits.put(edited)
    out = shapes.render(edited, shapes.NOTE_KEYS, shapes.CONVERSATION_TIMESTAMPS)
    return json_response({"conversation": out})


@bp.delete("/conversations/<int:conversation_id>")
@bp.delete("/tickets/<int:ticket_id>/conversations/<int:conversation_id>")
@endpoint("write")
def delete_conversation(conversation_id: int, ticket_id: int | None = None) -> Response:
    who = require("tickets.conversations.delete")
    check_query(())
    account = who.account
    with account.lock:
        conversation = _conversation(who, conversation_id, ticket_id)
        _written_by_agent(who, conversation)
        account.conversation_edits.put({**conversation, "_gone": True})
    return Response(status=204)


@bp.delete("/conversations/<int:conversation_id>/attachments/<int:attachment_id>")
@endpoint("write")
def delete_conversation_attachment(conversation_id: int, attachment_id: int) -> Response:
    """One attachment taken off a conversation (404 when it has none by that id)."""
    who = require("tickets.conversations.edit")
    check_query(())
    account = who.account
    with account.lock:
        conversation = _conversation(who, conversation_id, None)
        kept = without_attachment(conversation, attachment_id)
        account.conversation_edits.put({**conversation, "attachments": kept})
    return Response(status=204)
