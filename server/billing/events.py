"""Reading a Stripe webhook: the signature, the timestamp, then the event's shape.

Everything the handler later reads is checked here, so that a correctly signed body of
an odd shape (a JSON array, ``data.object`` a string, an id longer than its column) is a
400 naming the problem, never a 500. Lengths are those of ``stripe_events`` and
``subscriptions`` (server/tables.py).
"""

from __future__ import annotations

import json
import time
from typing import Any

import stripe

TOLERANCE_S = 300  # Stripe's own default for a delivery's age
MAX_FUTURE_S = 60  # clock skew allowed between Stripe and this server
MAX_EVENT_ID = 255  # stripe_events.id
MAX_EVENT_TYPE = 128  # stripe_events.type
MAX_OBJECT_ID = 255  # subscriptions.id


class WebhookRefused(ValueError):
    """A delivery refused before it is read; the message says why."""


class MalformedEvent(WebhookRefused):
    """A signed body that is not an event this server can read; the message says why."""


def verified_event(
    payload: bytes, signature: str | None, secret: str, now: float | None = None
) -> dict[str, Any]:
    """The event, once its Stripe-Signature is valid and at most TOLERANCE_S old and
    MAX_FUTURE_S ahead. Raises ``stripe.SignatureVerificationError`` for a bad signature
    and WebhookRefused (a ValueError) for a bad timestamp or body."""
    now = time.time() if now is None else now
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedEvent("body is not UTF-8") from None
    stripe.WebhookSignature.verify_header(text, signature, secret, tolerance=None)
    timestamp = _timestamp(signature or "")
    if not now - TOLERANCE_S <= timestamp <= now + MAX_FUTURE_S:
        raise WebhookRefused(
            f"timestamp {timestamp} is {timestamp - now:+.0f} s from now; allowed: "
            f"{TOLERANCE_S} s before to {MAX_FUTURE_S} s after"
        )
    try:
        event = json.loads(text)
    except ValueError as error:
        raise MalformedEvent(f"body is not JSON: {error}") from None
    return check_shape(event)


def check_shape(event: Any) -> dict[str, Any]:
    """``event`` if it has what the handler reads; else raises MalformedEvent."""
    if not isinstance(event, dict):
        raise MalformedEvent(f"an event is a JSON object, not {type(event).__name__}")
    _text(event.get("id"), "id", MAX_EVENT_ID)
    event_type = _text(event.get("type"), "type", MAX_EVENT_TYPE)
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise MalformedEvent("data.object must be a JSON object")
    obj = data["object"]
    if event_type.startswith("customer.subscription."):
        _text(obj.get("id"), "data.object.id", MAX_OBJECT_ID)
    elif event_type == "checkout.session.completed" or event_type.startswith("invoice."):
        reference = obj.get("subscription")
        if isinstance(reference, dict):
            _text(reference.get("id"), "data.object.subscription.id", MAX_OBJECT_ID)
        elif reference is not None:
            _text(reference, "data.object.subscription", MAX_OBJECT_ID)
    return event


def _text(value: Any, name: str, max_chars: int) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= max_chars or "\x00" in value:
        shown = f"{len(value)} characters" if isinstance(value, str) else type(value).__name__
        raise MalformedEvent(
            f"{name} must be a string of 1 to {max_chars} characters without NUL, got {shown}"
        )
    return value


def _timestamp(signature: str) -> int:
    for part in signature.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    raise WebhookRefused("no timestamp in the Stripe-Signature header")
