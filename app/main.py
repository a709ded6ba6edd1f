"""Composition root: the only module with start-up side effects.

It builds every part once and hands each what it needs: the settings, the browser
objects of ``app.bridge`` (page, server API, preferences, ML worker client), the
services, and the shell that shows them. The page's ``<script type="py">`` calls
``await start()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable

from app.bridge.device_facts import device_facts, request_persistence
from app.bridge.dom import BrowserPage, utc_offset_minutes
from app.bridge.http import BrowserApi
from app.bridge.packs import BrowserPackFetcher, IndexedDBPackStorage
from app.bridge.preferences import LocalPreferences
from app.bridge.pwa import BrowserPwa
from app.bridge.store import IndexedDBStore
from app.bridge.transport import BrowserTransport, BrowserWindow
from app.bridge.worker import WorkerClient
from app.core.generator_choice import GeneratorChoice
from app.core.i18n import pick_language
from app.core.learner.clock import study_clock
from app.core.learner.store import COLLECTIONS, MemoryStore, StoreError
from app.core.library.catalog import Library
from app.core.library.routes import parse
from app.core.settings import from_query
from app.core.tutor.conversation import History
from app.ports import PackStorage, Store
from app.services.account import Account
from app.services.backup import Backup
from app.services.conversations import Conversations
from app.services.library import load_library
from app.services.notes import NoteBook
from app.services.packs import MemoryPackStorage, PackShelf, passages_of
from app.services.premium import PremiumText
from app.services.progress import ProgressBook
from app.services.quizzes import QuizMaker
from app.services.renames import move_renamed
from app.services.roadmap import Trails
from app.services.stored_models import ModelShelf
from app.services.study import StudyRecord
from app.services.syncing import SyncedStore, Syncer
from app.services.tutor import Tutor
from app.services.tutor_choice import TutorPicker
from app.ui.account import PRIVATE_KEY, AccountUi
from app.ui.data import DataUi
from app.ui.goal import GoalUi
from app.ui.models import ModelsUi
from app.ui.notes import NotesUi
from app.ui.packs import PacksUi
from app.ui.parts import Part
from app.ui.plan import PlanUi
from app.ui.premium import PremiumUi
from app.ui.pwa_view import PwaBar
from app.ui.quiz import QuizUi
from app.ui.search import SearchUi
from app.ui.shell import Shell

_shell: Shell | None = None
_account_start: asyncio.Task[None] | None = None


async def open_store() -> tuple[Store, str]:
    """The device's IndexedDB store, or one in memory (with the reason) when the browser
    refuses storage: the app still works, and says what will not be kept."""
    try:
        return await IndexedDBStore.open(), ""
    except StoreError as error:
        return MemoryStore(), f"{error}. Nothing you do will be kept after this visit."


async def open_pack_storage() -> PackStorage:
    """The course packs' IndexedDB database, or a store for this visit when refused."""
    try:
        return await IndexedDBPackStorage.open()
    except StoreError:
        return MemoryPackStorage()


async def erase(store: Store, packs: PackShelf) -> None:
    """Delete the learner's data in ``store`` and the course packs they added (the learner
    asked, deleting the account); the AI models stay, removed from #/models."""
    for collection in COLLECTIONS:
        with contextlib.suppress(StoreError):
            for key, _ in await store.items(collection):
                await store.delete(collection, key)
    with contextlib.suppress(StoreError):
        await packs.remove_all()


async def start() -> Shell:
    """Mount the app into ``#app`` and load the course library."""
    global _shell, _account_start
    page = BrowserPage("app")
    preferences = LocalPreferences()
    api = BrowserApi()
    settings = from_query(page.location_search(), preferences.get("webgpu"))
    # Which tutor this device runs (full, small, passages only) and why: app.core.generator_choice.
    picker = TutorPicker(settings, preferences, device_facts(), api)
    # The worker starts on the tutor's first request, not here.
    inference = WorkerClient()
    device_store, notice = await open_store()
    window = BrowserWindow()
    transport = BrowserTransport()

    async def pulled(collections: set[str]) -> None:
        """Sync wrote other devices' values to this device: reload what they change."""
        if "progress" in collections:
            await progress.load()
        if collections & {"cards", "quiz_results", "meta"}:  # meta: the goal (syncing.SYNCED_META)
            await study.load()
        if "conversations" in collections:
            history.clear()
            await conversations.load()
        if "notes" in collections:
            await notes.load()
        if "roadmaps" in collections:
            await trails.load()
        if _shell is not None and _shell.library is not None:
            _shell.render(in_place=True)

    syncer = Syncer(device_store, transport, online=window.online,
                    private=lambda: preferences.get(PRIVATE_KEY) == "1", on_remote=pulled)
    # Every service writes through this one: a synced collection's edit reaches the outbox.
    store: Store = SyncedStore(device_store, syncer)
    history = History()
    conversations = Conversations(store, history)
    conversations.notice = notice
    await conversations.load()
    progress = ProgressBook(store, utc_offset_minutes=utc_offset_minutes)
    await progress.load()
    # Quiz answers as FSRS cards; ?clock=+1d shows tomorrow's reviews (app.core.learner.clock).
    study = StudyRecord(store, now_ms=study_clock(page.location_search()),
                        utc_offset_minutes=utc_offset_minutes)
    await study.load()
    notes = NoteBook(store)
    await notes.load()
    # Course packs added by URL, in a database of their own (app.bridge.packs).
    pack_shelf = PackShelf(BrowserPackFetcher(), await open_pack_storage(), inference,
                           settings.force_webgpu)
    await pack_shelf.load()
    # The learner's own trails (#/plan); the model the tutor would use orders them.
    def trail_generator() -> str:
        # Called before the shell exists too: then the language the shell will start in.
        now = _shell.lang if _shell is not None else pick_language(preferences.get("lang"), page.languages())
        return picker.choice(now).model or ""

    trails = Trails(store, inference, api, generator=trail_generator, force_webgpu=settings.force_webgpu)
    await trails.load()

    # The premium trails' text: kept on the device for a Pro learner, else locked.
    premium = PremiumUi(PremiumText(transport, device_store), library=lambda: shell.library,
                        set_library=lambda found: setattr(shell, "library", found),
                        rerender=lambda: shell.render())

    async def library() -> Library:
        loaded = await load_library(api)
        # Topics renamed, moved or merged by the authors take the learner's data with them.
        moved, why = await move_renamed(store, loaded)
        if moved:
            await progress.load()
            await study.load()
            history.clear()
            await conversations.load()
            await notes.load()
        if why:
            progress.notice = why
        return await premium.unlock_kept(loaded)

    def tutor(library: Library, on_change: Callable[[], None]) -> Tutor:
        # The learner's profile as it is at each question (goal, known and weak topics).
        choice = picker.choice(shell.lang)
        return Tutor(inference, api, library, dataclasses.replace(settings, generator=choice.model or ""),
                     on_change=on_change, history=history, on_finished=conversations.save,
                     learner=lambda: study.profile(progress.progress), choice=choice,
                     on_generated=picker.measured, pick=picker.choice)

    async def switched(choice: GeneratorChoice) -> None:
        """The learner chose another tutor in the model manager: a running tutor moves to it."""
        if shell.tutor is not None:
            await shell.tutor.use_generator(choice.model, choice)

    def loaded(role: str, model: str | None = None) -> bool:
        """Whether the tutor has this model loaded: a quiz uses it then, never loads it."""
        found = _shell.tutor if _shell is not None else None
        state = None if found is None else found.embedder if role == "embedder" else found.generator
        return state is not None and state.phase == "ready" and model in (None, state.id)

    def quizzes(library: Library) -> QuizMaker:
        generator = picker.choice(shell.lang).model or ""
        return QuizMaker(library, inference, generator=generator,
                         force_webgpu=settings.force_webgpu,
                         generator_ready=lambda: loaded("generator", generator),
                         embedder_ready=lambda: loaded("embedder"))

    def tutor_models() -> tuple[str, ...]:
        """The models the tutor loads: the library's embedder and the generator."""
        found = _shell.tutor if _shell is not None else None
        if found is not None:
            return found.model_ids()
        retrieval = _shell.library.retrieval if _shell is not None and _shell.library else {}
        generator = picker.choice(shell.lang if _shell is not None else lang).model
        return (str(retrieval.get("model", "")), *([generator] if generator else []))

    lang = pick_language(preferences.get("lang"), page.languages())
    account = AccountUi(
        Account(transport), syncer, preferences, window, page,
        lang=lambda: shell.lang, route=lambda: parse(page.location_hash()),
        rerender=lambda: shell.render(), erase_device=lambda: erase(device_store, pack_shelf),
        on_account=premium.follow)
    # Notes, search and the learner's data file (app.ui.parts).
    parts: list[Part] = [
        NotesUi(notes, page, library=lambda: shell.library, lang=lambda: shell.lang,
                rerender=lambda: shell.render(), utc_offset_minutes=utc_offset_minutes),
        SearchUi(page, library=lambda: shell.library, tutor=lambda: shell.tutor,
                 route=lambda: parse(page.location_hash()), rerender=lambda: shell.render()),
        DataUi(Backup(store), page, preferences, lang=lambda: shell.lang,
               route=lambda: parse(page.location_hash()), rerender=lambda: shell.render()),
        # The #/models page and the tutor's consent before its first download.
        ModelsUi(ModelShelf(inference, settings.force_webgpu), page, in_use=tutor_models,
                 lang=lambda: shell.lang, route=lambda: parse(page.location_hash()),
                 rerender=lambda: shell.render(), picker=picker, embedder=lambda: tutor_models()[0],
                 on_switch=switched, persist=request_persistence),
    ]
    parts.append(PacksUi(pack_shelf, page, base=lambda: built_in[0] if built_in else None,
                         changed=lambda: packs_changed(), lang=lambda: shell.lang,
                         rerender=lambda: shell.render()))
    quiz = QuizUi(study, quizzes, page, library=lambda: shell.library, lang=lambda: shell.lang,
                  rerender=lambda: shell.render())
    # The learner's goal and what the tutor knows of them, on #/review under the review.
    goal = GoalUi(study, progress, library=lambda: shell.library, lang=lambda: shell.lang,
                  rerender=lambda: shell.render(), host=quiz.content)
    plan = PlanUi(trails, ModelShelf(inference, settings.force_webgpu), progress, page,
                  library=lambda: shell.library, lang=lambda: shell.lang,
                  rerender=lambda: shell.render(), study=study)
    built_in: list[Library] = []  # the library as last loaded, without the packs

    async def library_with_packs() -> Library:
        loaded = await library()
        built_in[:] = [loaded]
        return pack_shelf.library(loaded)

    def tutor_with_packs(library: Library, on_change: Callable[[], None]) -> Tutor:
        made = tutor(library, on_change)
        made.retriever.add_local(*passages_of(pack_shelf.records))
        return made

    async def packs_changed() -> None:
        """A pack was added, updated or removed: the trails and the tutor's passages change."""
        shell.library = await library_with_packs()
        shell.tutor = None  # the next question builds it with the packs' passages

    _shell = Shell(page, preferences, lang, library_with_packs, tutor_with_packs, history,
                   lambda: conversations.notice,
                   progress, account=account, parts=[*parts, goal, quiz, plan], study=study)
    _shell.mount()
    shell = _shell
    # Who is signed in, and sync, beside the library's load, not before it.
    _account_start = asyncio.ensure_future(account.start())
    # Install and Update, outside the shell: shown even while the library loads or failed.
    PwaBar(BrowserPwa(), lambda: shell.lang).mount()
    # The models' sizes for the tutor's intro, from the manifest, beside the library's load.
    asyncio.ensure_future(picker.read_sizes()).add_done_callback(
        lambda _: shell.render(in_place=True) if shell.library is not None else None)
    await _shell.load()
    premium.follow(account.account.state)  # the account may have answered before the library
    return _shell
