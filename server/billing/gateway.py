"""The few Stripe calls the server makes, through the official ``stripe`` library.

Kept thin on purpose: Checkout and the Customer Portal are single calls whose result is
a URL to send the browser to. Everything that decides entitlements reads Stripe objects
(subscriptions) that tests can create for real in localstripe.
"""

from __future__ import annotations

from typing import Any

import requests
import stripe

from server.billing.events import verified_event
from server.settings import Settings

# Seconds one call to Stripe may take (stripe's own default is 80). A webhook whose call
# fails is answered 502 and Stripe delivers the event again later.
STRIPE_TIMEOUT_S = 20


class BillingUnavailable(Exception):
    """Stripe could not be reached or refused the call; the message says which."""


class StripeGateway:
    def __init__(self, settings: Settings) -> None:
        # One pooled session for every thread, so close() can close all its connections
        # (stripe's default keeps one per thread, out of reach).
        self.session = requests.Session()
        self.http = stripe.RequestsClient(timeout=STRIPE_TIMEOUT_S, session=self.session)
        self.client = stripe.StripeClient(
            settings.stripe_secret_key.get_secret_value(),
            base_addresses={"api": settings.stripe_api_base},
            max_network_retries=1,
            http_client=self.http,
        )
        self.webhook_secret = settings.stripe_webhook_secret.get_secret_value()
        self.prices = {
            "monthly": settings.stripe_price_monthly,
            "yearly": settings.stripe_price_yearly,
        }

    def close(self) -> None:
        """Close the connections to Stripe."""
        self.session.close()

    def create_customer(self, user_id: int) -> str:
        customer = self._call(self.client.v1.customers.create, {"metadata": {"tropa_user_id": str(user_id)}})
        return str(customer["id"])

    def delete_customer(self, customer_id: str) -> None:
        """Delete the customer at Stripe (an already deleted one is fine)."""
        self._tolerate_404(self.client.v1.customers.delete, customer_id)

    def cancel_subscription(self, subscription_id: str) -> None:
        """Cancel now (an already cancelled or unknown one is fine)."""
        self._tolerate_404(self.client.v1.subscriptions.cancel, subscription_id)

    @staticmethod
    def _tolerate_404(method: Any, object_id: str) -> None:
        try:
            method(object_id)
        except stripe.InvalidRequestError as error:
            if error.http_status != 404:
                raise BillingUnavailable(str(error.user_message or error)) from error
        except stripe.StripeError as error:
            raise BillingUnavailable(str(error.user_message or error)) from error

    def checkout_url(self, customer_id: str, user_id: int, plan: str, base_url: str) -> str:
        session = self._call(
            self.client.v1.checkout.sessions.create,
            {
                "mode": "subscription",
                "customer": customer_id,
                "client_reference_id": str(user_id),
                "line_items": [{"price": self.prices[plan], "quantity": 1}],
                "success_url": f"{base_url}/?checkout=success",
                "cancel_url": f"{base_url}/?checkout=cancel",
            },
        )
        return str(session["url"])

    def portal_url(self, customer_id: str, return_url: str) -> str:
        session = self._call(
            self.client.v1.billing_portal.sessions.create,
            {"customer": customer_id, "return_url": return_url},
        )
        return str(session["url"])

    def subscription(self, subscription_id: str) -> dict[str, Any] | None:
        """The subscription as Stripe holds it now, or None if Stripe no longer has it."""
        try:
            found = self.client.v1.subscriptions.retrieve(subscription_id)
        except stripe.InvalidRequestError as error:
            if error.http_status == 404:
                return None
            raise BillingUnavailable(str(error.user_message or error)) from error
        except stripe.StripeError as error:
            raise BillingUnavailable(str(error.user_message or error)) from error
        return found.to_dict()

    def verified_event(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        """The event if the Stripe-Signature header is valid for our secret, recent, and
        the body has the shape the handler reads (server/billing/events.py); else raises
        ``stripe.SignatureVerificationError`` or ``ValueError``."""
        return verified_event(payload, signature, self.webhook_secret)

    def plan_of(self, price_id: str | None) -> str:
        for plan, configured in self.prices.items():
            if price_id and price_id == configured:
                return plan
        return "unknown"

    @staticmethod
    def _call(method: Any, params: dict[str, Any]) -> Any:
        try:
            return method(params)
        except stripe.StripeError as error:
            raise BillingUnavailable(str(error.user_message or error)) from error
