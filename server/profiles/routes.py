"""The learner's own profile and account. Every route acts on the logged-in user only:
no route takes a user id, so there is no other learner to address."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status

from server.accounts import delete_user
from server.auth.session import CurrentUser
from server.billing.gateway import BillingUnavailable
from server.billing.service import forget_customer
from server.db import SessionDep
from server.profiles.schemas import ProfilePublic, ProfileUpdate
from server.tables import Profile

router = APIRouter(prefix="/api/me", tags=["profile"])


@router.get("/profile", response_model=ProfilePublic)
def read_profile(user: CurrentUser, db: SessionDep) -> Profile:
    return _profile(db, user.id)


@router.patch("/profile", response_model=ProfilePublic)
def update_profile(update: ProfileUpdate, user: CurrentUser, db: SessionDep) -> Profile:
    profile = _profile(db, user.id)
    for name, value in update.model_dump(exclude_unset=True).items():
        if value is None:
            continue
        setattr(profile, name, value)
    db.commit()
    db.refresh(profile)
    return profile


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
def delete_account(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    """Delete the account and all its data; cancels any Stripe subscription first."""
    try:
        forget_customer(request.app.state.billing, db, user.id)
    except BillingUnavailable as error:
        raise HTTPException(
            status.HTTP_502_BAD_GATEWAY,
            f"Could not cancel the subscription at Stripe ({error}); nothing was deleted, try again",
        ) from error
    delete_user(db, user.id)
    request.session.clear()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _profile(db: SessionDep, user_id: int) -> Profile:
    profile = db.get(Profile, user_id)
    if profile is None:  # created at first login; absent only if the account was deleted
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Profile not found")
    return profile
