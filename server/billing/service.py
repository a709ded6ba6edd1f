"""Stripe webhook handling and customer bookkeeping.

Events are handled idempotently (the event id is stored in the same transaction as the
effect) and order-independently: a subscription event never trusts its own snapshot,
it re-reads the subscription from Stripe and stores what Stripe holds now, so a late
``customer.subscription.created`` cannot resurrect a subscription deleted before it.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.billing.gateway import BillingUnavailable, StripeGateway
from server.tables import BillingCustomer, StripeEvent, Subscription

log = logging.getLogger(__name__)
Outcome = Literal["applied", "duplicate", "ignored"]


def handle_event(db: Session, gateway: StripeGateway, event: dict[str, Any]) -> Outcome:
    """Apply one verified event once. Raises BillingUnavailable if Stripe cannot be read;
    nothing is stored then, and the webhook's error answer makes Stripe deliver it again."""
    event_id, event_type = str(event["id"]), str(event["type"])
    if db.get(StripeEvent, event_id) is not None:
        return "duplicate"
    db.add(StripeEvent(id=event_id, type=event_type))
    try:
        db.flush()  # concurrent delivery of the same event waits here, then fails
    except IntegrityError:
        db.rollback()
        return "duplicate"
    subscription_id = _subscription_id(event_type, event["data"]["object"])
    outcome: Outcome = "ignored"
    if subscription_id:
        refresh_subscription(db, gateway, subscription_id)
        outcome = "applied"
    db.commit()
    return outcome


def refresh_subscription(db: Session, gateway: StripeGateway, subscription_id: str) -> None:
    """Store the subscription as Stripe holds it now (canceled if Stripe lost it)."""
    found = gateway.subscription(subscription_id)
    row = db.get(Subscription, subscription_id)
    if found is None:
        if row is not None:
            row.status = "canceled"
        return
    user_id = db.scalar(
        select(BillingCustomer.user_id).where(BillingCustomer.customer_id == _id(found["customer"]))
    )
    if user_id is None:
        log.info("subscription %s belongs to no known customer; ignored", subscription_id)
        return
    item = (found.get("items") or {}).get("data") or [{}]
    price = item[0].get("price") or item[0].get("plan") or {}
    values = {
        "user_id": user_id,
        "status": str(found["status"]),
        "plan": gateway.plan_of(_id(price) if price else None),
        "current_period_end": found.get("current_period_end") or item[0].get("current_period_end"),
    }
    if row is None:
        db.add(Subscription(id=subscription_id, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def customer_for(db: Session, gateway: StripeGateway, user_id: int) -> str:
    """The user's Stripe customer id, created at Stripe on first need."""
    existing = db.get(BillingCustomer, user_id)
    if existing is not None:
        return existing.customer_id
    customer_id = gateway.create_customer(user_id)
    db.add(BillingCustomer(user_id=user_id, customer_id=customer_id))
    try:
        db.commit()
    except IntegrityError:  # a concurrent request created one first; use theirs
        db.rollback()
        gateway.delete_customer(customer_id)
        return db.get(BillingCustomer, user_id).customer_id  # type: ignore[union-attr]
    return customer_id


def forget_customer(gateway: StripeGateway | None, db: Session, user_id: int) -> None:
    """Before an account is deleted: cancel its subscriptions and delete its Stripe
    customer. Raises BillingUnavailable if Stripe cannot do it now."""
    customer = db.get(BillingCustomer, user_id)
    if customer is None or gateway is None:
        return
    for subscription_id in db.scalars(
        select(Subscription.id).where(Subscription.user_id == user_id, Subscription.status != "canceled")
    ):
        gateway.cancel_subscription(subscription_id)
    gateway.delete_customer(customer.customer_id)


def _subscription_id(event_type: str, obj: dict[str, Any]) -> str | None:
    if event_type.startswith("customer.subscription."):
        return _id(obj)
    if event_type == "checkout.session.completed" or event_type.startswith("invoice."):
        sub = obj.get("subscription")
        return _id(sub) if sub else None
    return None


def _id(value: Any) -> str:
    return str(value["id"] if isinstance(value, dict) else value)


__all__ = ["BillingUnavailable", "customer_for", "forget_customer", "handle_event"]
