"""The account's views, pure functions to HTML: the header badge (who is signed in and
the sync state), the account page (sign-in, profile, sync, devices, export, deletion)
and the plans page. Nothing here is shown while no server answers.

Buttons carry ``data-action`` (the shell routes them to ``app.ui.account``); forms
carry ``data-action`` too and are read on submit.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.i18n import LANGUAGES, t
from app.core.library.routes import Route, href
from app.services.account import PROVIDER_NAMES, AccountState
from app.services.syncing import SyncStatus
from app.ui.html import Markup, h

# The profile form's fields: what the learner types there outlives a redraw of the page.
NAME_FIELD, LANGUAGE_FIELD = "profile-name", "profile-language"
PROFILE_FIELDS = (NAME_FIELD, LANGUAGE_FIELD)


@dataclass(frozen=True)
class AccountView:
    """Everything the account's views show."""

    account: AccountState
    sync: SyncStatus
    device_id: str = ""
    private_sync: bool = False
    paused: bool = False  # this device's sync was turned off (removed from the account)
    confirm_delete: bool = False
    message: str = ""  # the outcome of the last action (saved, deleted, a failure)
    checkout: str = ""  # "success" or "cancel" after coming back from Stripe Checkout
    online: bool = True  # the browser's network (no answer while offline is no news of a server)


def sync_words(sync: SyncStatus, lang: str, paused: bool = False, max_devices: int | None = None) -> str:
    """The sync state in words: synced / pending N / offline / error with its reason."""
    if paused:
        return t(lang, "sync_paused")
    if sync.phase == "synced":
        return t(lang, "sync_synced")
    if sync.phase == "syncing":
        return t(lang, "sync_syncing")
    if sync.phase == "pending":
        return t(lang, "sync_pending", n=sync.pending)
    if sync.phase == "offline":
        return t(lang, "sync_offline_pending", n=sync.pending) if sync.pending else t(lang, "sync_offline")
    if sync.phase == "error":
        if sync.code == "device-limit":
            return t(lang, "sync_device_limit", n=max_devices if max_devices is not None else 2)
        if sync.code == "removed":
            return t(lang, "sync_removed")
        return t(lang, "sync_error", reason=sync.reason)
    return t(lang, "sync_off")


def badge(view: AccountView, lang: str) -> Markup:
    """The header's account corner: empty until the server answered or not, a quiet
    "no server" note (a link to the account page, which says more) when none answers,
    "Sign in" when signed out, else the learner's name, plan and sync state."""
    state = view.account
    if state.server == "unknown":
        return h("div", {"id": "account-badge", "class": "account-badge", "hidden": True})
    if state.server == "none":
        return h("div", {"id": "account-badge", "class": "account-badge", "data-server": "none"},
                 h("a", {"class": "no-server", "href": href(Route("account"))},
                   t(lang, "server_unreachable" if view.online else "sync_offline")))
    if not state.authenticated:
        body: object = h("a", {"class": "sign-in", "href": href(Route("account"))}, t(lang, "sign_in"))
    else:
        body = [
            h("a", {"class": "who", "href": href(Route("account"))},
              state.display_name or t(lang, "account")),
            h("span", {"class": "plan-tag"}, t(lang, "plan_pro")) if state.plan == "pro" else None,
            h("span", {"class": "sync-state", "role": "status", "data-phase": view.sync.phase,
                       "data-pending": view.sync.pending},
              sync_words(view.sync, lang, view.paused, state.max_devices)),
        ]
    return h("div", {"id": "account-badge", "class": "account-badge"}, body)


def account_page(view: AccountView, lang: str) -> Markup:
    state = view.account
    heading = h("h1", None, t(lang, "account"))
    if state.server != "up":
        return h("article", {"class": "account", "data-view": "account"}, heading,
                 h("p", {"class": "notice", "role": "note"},
                   t(lang, "no_server" if view.online else "account_offline")),
                 h("button", {"type": "button", "data-action": "account-refresh"}, t(lang, "server_check")))
    message = h("p", {"class": "account-message", "role": "status"}, view.message) if view.message else None
    if not state.authenticated:
        return h("article", {"class": "account", "data-view": "account"}, heading, message,
                 sign_in(state, lang))
    return h(
        "article", {"class": "account", "data-view": "account"},
        heading,
        h("p", {"class": "signed-in"}, t(lang, "signed_in_as", name=state.display_name)),
        message,
        h("p", {"class": "notice", "role": "note"}, state.notice) if state.notice else None,
        sync_section(view, lang),
        profile_form(state, lang),
        devices_section(view, lang),
        h("section", {"class": "plan-summary"}, h("h2", None, t(lang, "plans")),
          h("p", None, t(lang, "your_plan", plan=t(lang, f"plan_{state.plan}"))),
          h("a", {"href": href(Route("plans"))}, t(lang, "plans"))),
        h("section", {"class": "export"}, h("h2", None, t(lang, "export_title")),
          h("a", {"class": "export-link", "href": "#/data"}, t(lang, "export_link"))),
        h("section", {"class": "sign-out"},
          h("button", {"type": "button", "data-action": "sign-out"}, t(lang, "sign_out")),
          h("p", {"class": "hint"}, t(lang, "sign_out_note"))),
        delete_section(view, lang),
    )


def sign_in(state: AccountState, lang: str) -> Markup:
    buttons = [
        h("a", {"class": f"provider provider-{name}", "href": f"/auth/{name}/login", "data-provider": name},
          t(lang, "sign_in_with", provider=PROVIDER_NAMES.get(name, name)))
        for name in state.providers
    ]
    return h(
        "section", {"class": "sign-in-box"},
        h("h2", None, t(lang, "sign_in_title")),
        h("p", {"class": "sign-in-error", "role": "alert"},
          t(lang, "sign_in_refused", reason=state.login_error)) if state.login_error else None,
        h("p", None, t(lang, "sign_in_why")),
        h("div", {"class": "providers"}, buttons) if buttons else h("p", None, t(lang, "sign_in_none")),
    )


def sync_section(view: AccountView, lang: str) -> Markup:
    sync = view.sync
    resume = view.paused or sync.code == "removed"
    return h(
        "section", {"class": "sync"},
        h("h2", None, t(lang, "sync_title")),
        h("p", {"class": "sync-words", "data-phase": sync.phase},
          sync_words(sync, lang, view.paused, view.account.max_devices)),
        h("p", {"class": "hint"}, t(lang, "sync_refused", n=sync.refused)) if sync.refused else None,
        h("button", {"type": "button", "data-action": "sync-resume" if resume else "sync-now"},
          t(lang, "sync_resume" if resume else "sync_now")),
        h("label", {"class": "private-sync"},
          h("input", {"type": "checkbox", "data-action": "private-sync", "checked": view.private_sync}),
          " ", t(lang, "private_sync")),
        h("p", {"class": "hint"}, t(lang, "private_sync_hint")),
    )


def profile_form(state: AccountState, lang: str) -> Markup:
    options = [h("option", {"value": code, "selected": code == state.language}, name)
               for code, name in LANGUAGES.items()]
    return h(
        "form", {"class": "profile", "data-action": "profile"},
        h("h2", None, t(lang, "profile")),
        h("label", None, t(lang, "display_name"), " ",
          h("input", {"id": NAME_FIELD, "name": "display_name", "value": state.display_name, "maxlength": 80,
                      "required": True, "autocomplete": "nickname"})),
        h("label", None, t(lang, "profile_language"), " ",
          h("select", {"id": LANGUAGE_FIELD, "name": "language"}, options)),
        h("button", {"type": "submit"}, t(lang, "save_profile")),
    )


def devices_section(view: AccountView, lang: str) -> Markup:
    state = view.account
    count = len(state.devices)
    summary = (t(lang, "devices_limit", n=count, max=state.max_devices) if state.max_devices is not None
               else t(lang, "devices_any", n=count))
    items = []
    for device in state.devices:
        mine = device.device_id == view.device_id
        items.append(h(
            "li", {"class": "device", "data-device": device.device_id, "data-mine": "true" if mine else None},
            h("code", None, device.device_id),
            h("span", {"class": "this-device"}, f" · {t(lang, 'this_device')}") if mine else None,
            h("span", {"class": "since"}, " · " + t(lang, "device_since", date=device.first_seen[:10]))
            if device.first_seen else None,
            " ",
            h("button", {"type": "button", "data-action": "remove-device", "data-device": device.device_id},
              t(lang, "remove_device")),
        ))
    return h("section", {"class": "devices"}, h("h2", None, t(lang, "devices")),
             h("p", None, summary),
             h("ul", None, items) if items else h("p", None, t(lang, "devices_none")))


def delete_section(view: AccountView, lang: str) -> Markup:
    if not view.confirm_delete:
        return h("section", {"class": "delete"},
                 h("button", {"type": "button", "class": "danger", "data-action": "delete-ask"},
                   t(lang, "delete_account")))
    return h(
        "form", {"class": "delete confirm", "data-action": "delete-account", "role": "alertdialog",
                 "aria-labelledby": "delete-title"},
        h("h2", {"id": "delete-title"}, t(lang, "delete_title")),
        h("p", None, t(lang, "delete_server")),
        h("p", None, t(lang, "delete_device")),
        h("label", None, h("input", {"type": "checkbox", "name": "erase_device"}), " ",
          t(lang, "delete_device_too")),
        h("div", {"class": "actions"},
          h("button", {"type": "submit", "class": "danger"}, t(lang, "delete_confirm")),
          h("button", {"type": "button", "data-action": "delete-cancel"}, t(lang, "delete_cancel"))),
    )


def plans_page(view: AccountView, lang: str, free_devices: int = 2) -> Markup:
    state = view.account
    heading = h("h1", None, t(lang, "plans"))
    parts: list[object] = [heading]
    if view.checkout in ("success", "cancel"):
        parts.append(h("p", {"class": f"checkout-{view.checkout}", "role": "status"},
                       t(lang, f"checkout_{view.checkout}")))
    if view.message:
        parts.append(h("p", {"class": "account-message", "role": "status"}, view.message))
    parts.append(h("p", None, t(lang, "pro_unlocks")))
    parts.append(h("p", None, t(lang, "free_includes", n=free_devices)))
    if state.server != "up":
        parts.append(h("p", {"class": "notice", "role": "note"}, t(lang, "no_server")))
    elif not state.billing:
        parts.append(h("p", {"class": "notice", "role": "note"}, t(lang, "billing_off")))
    elif not state.authenticated:
        parts.append(h("p", None, h("a", {"href": href(Route("account"))}, t(lang, "sign_in_for_plans"))))
    else:
        parts.append(h("p", {"class": "current-plan", "data-plan": state.plan},
                       t(lang, "your_plan", plan=t(lang, f"plan_{state.plan}"))))
        if state.plan == "pro":
            parts.append(h("button", {"type": "button", "data-action": "portal"},
                           t(lang, "manage_subscription")))
        else:
            parts.append(h("div", {"class": "plan-choices"},
                           h("button", {"type": "button", "data-action": "checkout", "data-plan": "monthly"},
                             t(lang, "subscribe_monthly")),
                           h("button", {"type": "button", "data-action": "checkout", "data-plan": "yearly"},
                             t(lang, "subscribe_yearly"))))
    return h("article", {"class": "plans", "data-view": "plans"}, parts)
