"""What each plan unlocks: the one place that decides it.

A learner is on **pro** while one of their subscriptions is ``active`` or ``trialing``
at Stripe (as last reported by a webhook and confirmed by reading the subscription);
every other status (``past_due``, ``canceled``, ``unpaid``, ``incomplete`` …) is **free**.

| feature               | free                          | pro       |
|-----------------------|-------------------------------|-----------|
| premium roadmaps      | no                            | yes       |
| devices that sync     | ``settings.free_sync_devices`` | unlimited |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.tables import Subscription

PRO_STATUSES = ("active", "trialing")
Plan = Literal["free", "pro"]


@dataclass(frozen=True)
class Entitlements:
    plan: Plan
    premium_roadmaps: bool
    max_sync_devices: int | None  # None: unlimited


class EntitlementError(Exception):
    """The learner's plan does not include this; the message says what would."""


def entitlements_for(db: Session, user_id: int, free_sync_devices: int) -> Entitlements:
    pro = db.scalar(
        select(func.count())
        .select_from(Subscription)
        .where(Subscription.user_id == user_id, Subscription.status.in_(PRO_STATUSES))
    )
    if pro:
        return Entitlements(plan="pro", premium_roadmaps=True, max_sync_devices=None)
    return Entitlements(plan="free", premium_roadmaps=False, max_sync_devices=free_sync_devices)
