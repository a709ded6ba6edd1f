"""What each plan unlocks: the one place that decides it.

A learner is on **pro** while one of their subscriptions is ``active`` or ``trialing``
at Stripe (as last reported by a webhook and confirmed by reading the subscription);
every other status (``past_due``, ``canceled``, ``unpaid``, ``incomplete`` …) is **free**.

| feature               | free                          | pro       |
|-----------------------|-------------------------------|-----------|
| premium roadmaps      | no                            | yes       |
| devices that sync     | ``settings.free_sync_devices`` | unlimited |

Routes ask through ``LearnerEntitlements`` (the signed-in learner's, from the database
on each request) and ``require_premium``; the device limit is applied where a device
registers (server/sync/devices.py), with ``max_sync_devices`` from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.auth.session import CurrentUser
from server.db import SessionDep
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


def require_premium(entitlements: Entitlements) -> None:
    """Raise EntitlementError unless the plan includes the premium trails."""
    if not entitlements.premium_roadmaps:
        raise EntitlementError("Premium trails are part of Pro; the free plan shows their outline. "
                               "Choose a plan on the plans page (#/plans)")


def learner_entitlements(request: Request, user: CurrentUser, db: SessionDep) -> Entitlements:
    """The signed-in learner's entitlements now (401 when nobody is signed in)."""
    return entitlements_for(db, user.id, request.app.state.settings.free_sync_devices)


LearnerEntitlements = Annotated[Entitlements, Depends(learner_entitlements)]
