"""Creating a learner at first login and deleting everything they own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.profiles.schemas import Language, ProfileCreate
from server.tables import Identity, Profile, User


@dataclass(frozen=True)
class ProviderIdentity:
    """What a login provider told us: who (provider + subject) and a suggested name."""

    provider: str
    subject: str
    email: str | None
    name: str | None


def find_or_create_user(db: Session, identity: ProviderIdentity, language: Language = "en") -> User:
    """The user for this provider identity, created with a profile on first login."""
    user = _find(db, identity)
    if user is not None:
        return user
    user = User()
    db.add(user)
    db.flush()
    db.add(
        Identity(
            user_id=user.id,
            provider=identity.provider,
            subject=identity.subject,
            email=identity.email,
        )
    )
    profile = ProfileCreate(display_name=_display_name(identity), language=language)
    db.add(Profile(user_id=user.id, **profile.model_dump()))
    try:
        db.commit()
    except IntegrityError:  # a concurrent first login for the same identity won the race
        db.rollback()
        existing = _find(db, identity)
        if existing is None:
            raise
        return existing
    return user


def delete_user(db: Session, user_id: int) -> None:
    """Delete the user; every owned row goes with it (ON DELETE CASCADE)."""
    db.execute(delete(User).where(User.id == user_id))
    db.commit()


def _find(db: Session, identity: ProviderIdentity) -> User | None:
    return db.scalar(
        select(User)
        .join(Identity, Identity.user_id == User.id)
        .where(Identity.provider == identity.provider, Identity.subject == identity.subject)
    )


def _display_name(identity: ProviderIdentity) -> str:
    name = "".join(c for c in (identity.name or "") if c.isprintable()).strip()
    return name[:80] or "Learner"
