"""Checkout, Customer Portal, entitlements and the Stripe webhook."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Literal

import stripe
from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from server.auth.session import CurrentUser
from server.billing.entitlements import Plan, entitlements_for
from server.billing.gateway import BillingUnavailable, StripeGateway
from server.billing.service import customer_for, handle_event
from server.db import SessionDep
from server.settings import Settings
from server.tables import BillingCustomer

log = logging.getLogger(__name__)
router = APIRouter(tags=["billing"])
WEBHOOK_PATH = "/api/billing/webhook"


class CheckoutRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan: Literal["monthly", "yearly"]


class RedirectUrl(BaseModel):
    url: str


class EntitlementsPublic(BaseModel):
    plan: Plan
    premium_roadmaps: bool
    max_sync_devices: int | None


class WebhookResult(BaseModel):
    outcome: Literal["applied", "duplicate", "ignored"]


@router.get("/api/me/entitlements", response_model=EntitlementsPublic)
def read_entitlements(request: Request, user: CurrentUser, db: SessionDep) -> EntitlementsPublic:
    settings: Settings = request.app.state.settings
    return EntitlementsPublic(**asdict(entitlements_for(db, user.id, settings.free_sync_devices)))


@router.post("/api/billing/checkout", response_model=RedirectUrl)
def checkout(body: CheckoutRequest, request: Request, user: CurrentUser, db: SessionDep) -> RedirectUrl:
    """A Stripe Checkout URL for the monthly or yearly Pro plan."""
    gateway = _gateway(request)
    settings: Settings = request.app.state.settings
    if entitlements_for(db, user.id, settings.free_sync_devices).plan == "pro":
        raise HTTPException(
            status.HTTP_409_CONFLICT, "Already on Pro: manage the plan in the customer portal"
        )
    try:
        customer = customer_for(db, gateway, user.id)
        url = gateway.checkout_url(customer, user.id, body.plan, settings.public_url.rstrip("/"))
    except BillingUnavailable as error:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, f"Stripe refused: {error}") from error
    return RedirectUrl(url=url)


@router.post("/api/billing/portal", response_model=RedirectUrl)
def portal(request: Request, user: CurrentUser, db: SessionDep) -> RedirectUrl:
    """A Stripe Customer Portal URL, for learners who have been through Checkout."""
    gateway = _gateway(request)
    settings: Settings = request.app.state.settings
    customer = db.get(BillingCustomer, user.id)
    if customer is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "No billing account yet: subscribe first")
    try:
        url = gateway.portal_url(customer.customer_id, settings.public_url.rstrip("/") + "/")
    except BillingUnavailable as error:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, f"Stripe refused: {error}") from error
    return RedirectUrl(url=url)


@router.post(WEBHOOK_PATH, response_model=WebhookResult)
async def webhook(request: Request, db: SessionDep) -> WebhookResult:
    """Stripe events, verified by the Stripe-Signature header (no session, no CSRF)."""
    gateway = _gateway(request)
    payload = await request.body()  # the raw bytes: the signature covers them exactly
    # Calls to Stripe and the database block: in a thread, so a slow Stripe stalls only
    # this request, not the event loop every other request of the worker runs on.
    return await run_in_threadpool(
        _apply_webhook, gateway, db, payload, request.headers.get("stripe-signature")
    )


def _apply_webhook(
    gateway: StripeGateway, db: Session, payload: bytes, signature: str | None
) -> WebhookResult:
    try:
        event = gateway.verified_event(payload, signature)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"Webhook refused: {error}") from error
    try:
        return WebhookResult(outcome=handle_event(db, gateway, event))
    except BillingUnavailable as error:
        db.rollback()
        raise HTTPException(
            status.HTTP_502_BAD_GATEWAY, f"Could not read the subscription from Stripe: {error}"
        ) from error
    except (KeyError, TypeError) as error:
        db.rollback()
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"Malformed event: {error!r}") from error


def _gateway(request: Request) -> StripeGateway:
    gateway: StripeGateway | None = request.app.state.billing
    if gateway is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Billing is not configured on this server")
    return gateway
