"""Words for the choice of tutor (full, small, passages only), why the device ladder picked
one, and the browser's answer to keeping the models, in English and Russian; merged into
``app.core.i18n.MESSAGES``."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "tier_full": "Full tutor",
        "tier_small": "Small tutor",
        "tier_passages": "Passages only",
        "tier_full_about": "Qwen2.5-Coder 0.5B writes the answers, in English and Russian. It needs "
                           "about 1.2 GB of memory while it runs.",
        "tier_small_about": "SmolLM2-135M writes shorter, weaker answers, sooner and on less memory. "
                            "It writes English only: asked in Russian, the tutor shows the passages "
                            "instead.",
        "tier_passages_about": "No language model: the tutor answers with the library's passages "
                               "that match your question, cited. Only the search model is downloaded.",
        "tiers_title": "Which tutor",
        "tiers_intro": "Each choice downloads its models once; the search model is shared by all three.",
        "tier_size": "Download: {size}",
        "tier_missing": "{size} still to download",
        "tier_stored": "all on this device",
        "tier_in_use": "in use",
        "tier_suggested": "suggested for this device",
        "tier_use": "Use this one",
        "tier_switching": "Switching…",
        "tiers_delete_other": "When switching, delete the other tutor's model from this device",
        "tier_switched": "The tutor now uses: {tier}.",
        "tier_switch_failed": "Switching did not finish: {error}",
        "choice_line": "{tier}: {why}",
        "choice_reason_chosen": "your choice in the model manager",
        "choice_reason_address": "named in the page address",
        "choice_reason_default": "this device can carry the full tutor",
        "choice_reason_low-memory": "this device reports {figure} GB of memory, too little for the "
                                    "full tutor beside the page",
        "choice_reason_phone": "a phone screen whose memory the browser does not tell: the full "
                               "tutor is too big for most phones",
        "choice_reason_slow-first-token": "the full tutor took {figure} s to start an answer on this "
                                          "device",
        "choice_kept_passages": "The small tutor writes English only, so in Russian the tutor "
                                "answers with passages.",
        "choice_kept_full": "The small tutor writes English only, so the full tutor stays: slower, "
                            "but it answers in Russian.",
        "tutor_intro_size": "The tutor here: {tier}, about {size} to download.",
        "passages_chosen": "Passages only, as chosen in the model manager: here are the passages from "
                           "the library that answer your question.",
        "passages_english_only": "The small tutor writes English only, so here are the passages that "
                                 "answer your question. For answers in Russian, choose the full tutor "
                                 "in the model manager.",
        "persist_asked_granted": "The browser agreed to keep the models even when the disk runs low.",
        "persist_asked_refused": "The browser was asked to keep the models even when the disk runs "
                                 "low, and declined (browsers grant it to sites used often, bookmarked "
                                 "or installed). The models stay, but under disk pressure they could "
                                 "be cleared and downloaded again.",
    },
    "ru": {
        "tier_full": "Полный наставник",
        "tier_small": "Малый наставник",
        "tier_passages": "Только отрывки",
        "tier_full_about": "Ответы пишет Qwen2.5-Coder 0.5B, по-русски и по-английски. Во время "
                           "работы ему нужно около 1,2 ГБ памяти.",
        "tier_small_about": "SmolLM2-135M пишет ответы короче и слабее, зато быстрее и на меньшей "
                            "памяти. Пишет только по-английски: на вопрос по-русски наставник "
                            "покажет отрывки.",
        "tier_passages_about": "Без языковой модели: наставник отвечает отрывками из библиотеки, "
                               "подходящими к вопросу, со ссылками. Скачивается только модель поиска.",
        "tiers_title": "Какой наставник",
        "tiers_intro": "Каждый вариант скачивает свои модели один раз; модель поиска общая для всех трёх.",
        "tier_size": "Скачать: {size}",
        "tier_missing": "осталось скачать {size}",
        "tier_stored": "всё на этом устройстве",
        "tier_in_use": "используется",
        "tier_suggested": "рекомендуется для этого устройства",
        "tier_use": "Выбрать",
        "tier_switching": "Переключаем…",
        "tiers_delete_other": "При переключении удалить с устройства модель другого наставника",
        "tier_switched": "Теперь наставник: {tier}.",
        "tier_switch_failed": "Переключение не закончилось: {error}",
        "choice_line": "{tier}: {why}",
        "choice_reason_chosen": "ваш выбор на странице моделей",
        "choice_reason_address": "указан в адресе страницы",
        "choice_reason_default": "устройство потянет полного наставника",
        "choice_reason_low-memory": "у устройства {figure} ГБ памяти: полному наставнику рядом со "
                                    "страницей не хватит",
        "choice_reason_phone": "экран телефона, а память браузер не сообщает: полный наставник "
                               "велик для большинства телефонов",
        "choice_reason_slow-first-token": "полный наставник начинал ответ на этом устройстве "
                                          "через {figure} с",
        "choice_kept_passages": "Малый наставник пишет только по-английски, поэтому по-русски "
                                "наставник отвечает отрывками.",
        "choice_kept_full": "Малый наставник пишет только по-английски, поэтому остаётся полный: "
                            "медленнее, зато отвечает по-русски.",
        "tutor_intro_size": "Наставник здесь: «{tier}», загрузка около {size}.",
        "passages_chosen": "Только отрывки, как выбрано на странице моделей: вот отрывки из "
                           "библиотеки, которые отвечают на ваш вопрос.",
        "passages_english_only": "Малый наставник пишет только по-английски, поэтому вот отрывки, "
                                 "которые отвечают на ваш вопрос. Чтобы получать ответы по-русски, "
                                 "выберите полного наставника на странице моделей.",
        "persist_asked_granted": "Браузер согласился хранить модели, даже если на диске мало места.",
        "persist_asked_refused": "Браузер попросили хранить модели, даже если на диске мало места, "
                                 "и он отказал (обычно это разрешают часто используемым, сохранённым "
                                 "в закладках или установленным сайтам). Модели остаются, но при "
                                 "нехватке места их могут удалить, и тогда их придётся скачать снова.",
    },
}
