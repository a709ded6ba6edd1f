"""The account, sync and plans pages' words in English and Russian, merged into
``app.core.i18n.MESSAGES`` (kept apart so that area's words live in one place)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "account": "Account",
        "plans": "Plans",
        "sign_in": "Sign in",
        "sign_in_title": "Sign in to sync",
        "sign_in_with": "Continue with {provider}",
        "sign_in_why": "Signing in keeps your progress on every device you use. What you did on "
                       "this device is kept and added to your account.",
        "sign_in_none": "This server offers no way to sign in yet.",
        "sign_in_refused": "Sign-in failed: {reason}",
        "no_server": "Accounts need Tropa's server, and this copy of Tropa runs without one. "
                     "Everything you do stays on this device.",
        "server_check": "Check again",
        "account_offline": "You are offline. Everything you do is kept on this device and syncs "
                           "when you are back online.",
        "server_unreachable": "No account server: kept on this device",
        "signed_in_as": "Signed in as {name}",
        "sign_out": "Sign out",
        "sign_out_note": "Signing out keeps everything on this device; it stops syncing until "
                         "you sign in again.",
        "sync_title": "Sync",
        "sync_off": "Not syncing",
        "sync_syncing": "Syncing…",
        "sync_synced": "Synced",
        "sync_pending": "Pending: {n}",
        "sync_offline": "Offline",
        "sync_offline_pending": "Offline · {n} waiting",
        "sync_error": "Sync error: {reason}",
        "sync_device_limit": "Your plan syncs {n} devices and this would be another: remove one "
                             "below, or move to Pro.",
        "sync_removed": "This device was removed from your account's devices.",
        "sync_paused": "Sync is off on this device.",
        "sync_resume": "Sync this device again",
        "sync_now": "Sync now",
        "sync_refused": "{n} edits the server refused are kept on this device.",
        "private_sync": "Also sync my notes and tutor conversations",
        "private_sync_hint": "Off unless you turn it on: then your notes and conversations "
                             "never leave this device. Progress, cards and your own trails "
                             "always sync. Turning it off again stops sending them.",
        "profile": "Profile",
        "display_name": "Display name",
        "profile_language": "Language",
        "save_profile": "Save profile",
        "profile_saved": "Profile saved.",
        "devices": "Devices that sync",
        "devices_limit": "{n} of {max} on your plan",
        "devices_any": "{n}, any number on Pro",
        "devices_none": "No device syncs yet.",
        "this_device": "this device",
        "device_since": "since {date}",
        "remove_device": "Remove",
        "export_title": "Your data",
        "export_link": "Export everything you made (the same file as on the Your data page)",
        "delete_account": "Delete account…",
        "delete_title": "Delete your account?",
        "delete_server": "On the server: your profile, your synced progress, cards, trails, "
                         "notes and conversations, the list of your devices, and your "
                         "subscription (cancelled now, nothing more is charged).",
        "delete_device": "On this device: nothing, unless you tick the box below. Your progress, "
                         "notes and conversations stay here and keep working without an account.",
        "delete_device_too": "Also erase your progress, notes, conversations and added course packs "
                             "on this device (the AI models stay: Manage the AI models removes them)",
        "delete_confirm": "Delete my account",
        "delete_cancel": "Keep my account",
        "account_deleted": "Your account was deleted.",
        "plan_free": "Free",
        "plan_pro": "Pro",
        "your_plan": "Your plan: {plan}",
        "pro_unlocks": "Pro unlocks the premium trails and sync on any number of devices.",
        "free_includes": "Free: every trail except the premium ones, the tutor on your device, "
                         "and sync on {n} devices.",
        "subscribe_monthly": "Subscribe monthly",
        "subscribe_yearly": "Subscribe yearly",
        "manage_subscription": "Manage subscription",
        "billing_off": "Subscriptions are not offered on this server.",
        "premium_tag": "Pro trail",
        "premium_trail_note": "A Pro trail: its outline is open to everyone, its topics' text "
                              "is part of Pro.",
        "premium_locked": "The text of this topic is part of Pro. Its place on the trail, its "
                          "level and what comes before it are open to everyone.",
        "premium_upgrade": "See the plans",
        "checkout_success": "Thank you! Your plan shows as Pro as soon as Stripe confirms the payment.",
        "checkout_cancel": "Checkout was cancelled; nothing was charged.",
        "sign_in_for_plans": "Sign in to choose a plan.",
        "account_failed": "That did not work: {reason}",
    },
    "ru": {
        "account": "Аккаунт",
        "plans": "Тарифы",
        "sign_in": "Войти",
        "sign_in_title": "Войдите, чтобы синхронизировать",
        "sign_in_with": "Продолжить через {provider}",
        "sign_in_why": "После входа ваш прогресс будет на каждом вашем устройстве. Всё, что вы "
                       "сделали на этом устройстве, сохранится и добавится в аккаунт.",
        "sign_in_none": "На этом сервере пока нельзя войти.",
        "sign_in_refused": "Вход не удался: {reason}",
        "no_server": "Для аккаунта нужен сервер Tropa, а эта копия Tropa работает без него. "
                     "Всё, что вы делаете, остаётся на этом устройстве.",
        "server_check": "Проверить снова",
        "account_offline": "Нет сети. Всё, что вы делаете, сохраняется на этом устройстве и "
                           "синхронизируется, когда сеть вернётся.",
        "server_unreachable": "Сервер аккаунтов недоступен: всё на этом устройстве",
        "signed_in_as": "Вы вошли как {name}",
        "sign_out": "Выйти",
        "sign_out_note": "После выхода всё останется на этом устройстве; синхронизация "
                         "продолжится, когда вы снова войдёте.",
        "sync_title": "Синхронизация",
        "sync_off": "Не синхронизируется",
        "sync_syncing": "Синхронизация…",
        "sync_synced": "Синхронизировано",
        "sync_pending": "Ждут отправки: {n}",
        "sync_offline": "Нет сети",
        "sync_offline_pending": "Нет сети · ждут отправки: {n}",
        "sync_error": "Ошибка синхронизации: {reason}",
        "sync_device_limit": "Ваш тариф синхронизирует устройств: {n}, а это было бы ещё одно: "
                             "удалите одно ниже или перейдите на Pro.",
        "sync_removed": "Это устройство удалено из списка устройств аккаунта.",
        "sync_paused": "Синхронизация на этом устройстве выключена.",
        "sync_resume": "Снова синхронизировать это устройство",
        "sync_now": "Синхронизировать",
        "sync_refused": "Правок, которые сервер не принял: {n}; они сохранены на этом устройстве.",
        "private_sync": "Синхронизировать также заметки и разговоры с наставником",
        "private_sync_hint": "Выключено, пока вы не включите: тогда заметки и разговоры не "
                             "покидают это устройство. Прогресс, карточки и ваши маршруты "
                             "синхронизируются всегда. Если выключить снова, они больше не отправляются.",
        "profile": "Профиль",
        "display_name": "Имя",
        "profile_language": "Язык",
        "save_profile": "Сохранить профиль",
        "profile_saved": "Профиль сохранён.",
        "devices": "Устройства с синхронизацией",
        "devices_limit": "{n} из {max} на вашем тарифе",
        "devices_any": "{n}, на Pro — сколько угодно",
        "devices_none": "Пока ни одно устройство не синхронизируется.",
        "this_device": "это устройство",
        "device_since": "с {date}",
        "remove_device": "Удалить",
        "export_title": "Ваши данные",
        "export_link": "Выгрузить всё, что вы сделали (тот же файл, что на странице «Ваши данные»)",
        "delete_account": "Удалить аккаунт…",
        "delete_title": "Удалить аккаунт?",
        "delete_server": "На сервере: ваш профиль, синхронизированный прогресс, карточки, "
                         "маршруты, заметки и разговоры, список ваших устройств и подписка "
                         "(отменяется сразу, больше ничего не списывается).",
        "delete_device": "На этом устройстве: ничего, если не отметить пункт ниже. Прогресс, "
                         "заметки и разговоры останутся здесь и будут работать без аккаунта.",
        "delete_device_too": "Также стереть на этом устройстве прогресс, заметки, разговоры и "
                             "добавленные курсы (модели ИИ останутся: их удаляют в «Управлять "
                             "моделями ИИ»)",
        "delete_confirm": "Удалить мой аккаунт",
        "delete_cancel": "Оставить аккаунт",
        "account_deleted": "Аккаунт удалён.",
        "plan_free": "Бесплатный",
        "plan_pro": "Pro",
        "your_plan": "Ваш тариф: {plan}",
        "pro_unlocks": "Pro открывает премиум-маршруты и синхронизацию на любом числе устройств.",
        "free_includes": "Бесплатно: все маршруты, кроме премиум, наставник на вашем устройстве "
                         "и синхронизация на {n} устройствах.",
        "subscribe_monthly": "Оформить помесячно",
        "subscribe_yearly": "Оформить на год",
        "manage_subscription": "Управлять подпиской",
        "billing_off": "На этом сервере подписка не предлагается.",
        "premium_tag": "Маршрут Pro",
        "premium_trail_note": "Маршрут Pro: его план открыт всем, тексты тем входят в Pro.",
        "premium_locked": "Текст этой темы входит в Pro. Её место на маршруте, уровень и то, "
                          "что идёт перед ней, открыты всем.",
        "premium_upgrade": "Посмотреть тарифы",
        "checkout_success": "Спасибо! Тариф сменится на Pro, как только Stripe подтвердит оплату.",
        "checkout_cancel": "Оплата отменена; ничего не списано.",
        "sign_in_for_plans": "Войдите, чтобы выбрать тариф.",
        "account_failed": "Не получилось: {reason}",
    },
}
