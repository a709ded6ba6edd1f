"""GET /api/content/premium/{roadmap}: a premium trail's text, for Pro learners only."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, status
from pydantic import BaseModel

from server.billing.entitlements import EntitlementError, LearnerEntitlements, require_premium
from server.content.shelf import PremiumContentError, PremiumShelf

log = logging.getLogger(__name__)
router = APIRouter(tags=["content"])
RoadmapId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", max_length=64)]


class ResourcePublic(BaseModel):
    type: str
    title: str
    url: str


class PremiumTopic(BaseModel):
    id: str
    lang: str
    roadmap: str
    html: str
    resources: list[ResourcePublic]


class PremiumTrail(BaseModel):
    roadmap: str
    topics: list[PremiumTopic]


@router.get("/api/content/premium/{roadmap_id}", response_model=PremiumTrail)
def premium_trail(roadmap_id: RoadmapId, request: Request, entitlements: LearnerEntitlements) -> PremiumTrail:
    """Every topic of the premium trail ``roadmap_id``, in each language it is written in:
    401 signed out, 403 on the free plan, 404 for a trail that is not premium here."""
    try:
        require_premium(entitlements)
    except EntitlementError as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(error)) from error
    shelf: PremiumShelf = request.app.state.premium
    try:
        rows = shelf.trail(roadmap_id)
    except PremiumContentError as error:
        log.error("%s", error)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            "The premium text on this server cannot be read now") from error
    if not rows:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No premium trail {roadmap_id!r} on this server")
    return PremiumTrail(roadmap=roadmap_id, topics=[PremiumTopic.model_validate(dict(row)) for row in rows])
