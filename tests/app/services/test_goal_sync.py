"""The study goal syncs across devices like progress (kind ``learner_meta``, entity
``goal``), under CPython against the real server (SQLite and PostgreSQL) over real HTTP:
a goal set before sign-in reaches another device and its StudyRecord; goals set on two
devices offline converge to the later edit on both; the device's own meta entries (its
sync state and id, a quiz in progress) are never sent; and a pulled ``learner_meta``
entity that is not a synced meta key is ignored, so no device can write another's own
records."""

from __future__ import annotations

from app.core.learner.store import MemoryStore
from app.services.study import StudyRecord
from app.services.sync import SyncClient
from app.services.syncing import DEVICE_KEY, META_KIND, SYNCED_META
from tests.app.services.test_sync import HttpxTransport, dist_dir, logged_in, run, server_url
from tests.app.services.test_syncing import Device, Recording, _Mem, uid
from tests.server.support.database import database_url, postgres_schema_url, sqlite_template

__all__ = ["database_url", "dist_dir", "postgres_schema_url", "server_url", "sqlite_template"]


def test_a_goal_set_before_sign_in_reaches_another_device(server_url: str) -> None:
    async def scenario() -> None:
        laptop = Device(HttpxTransport(await logged_in(server_url, "ada")), name="laptop")
        await StudyRecord(laptop.store).set_goal("get a job with Python")
        assert laptop.syncer.pending == 0  # no account yet
        await laptop.syncer.start(await uid(laptop.syncer.transport.client))
        phone = Device(HttpxTransport(await logged_in(server_url, "ada")), name="phone")
        await phone.syncer.start(await uid(phone.syncer.transport.client))
        assert await phone.raw.get("meta", "goal") == "get a job with Python"
        assert phone.remote == [{"meta"}]  # the app reloads the study record then
        record = StudyRecord(phone.store)
        await record.load()
        assert record.goal == "get a job with Python"

        await record.set_goal("")  # cleared on the phone: cleared on the laptop too
        await phone.syncer.sync()
        await laptop.syncer.sync()
        assert await laptop.raw.get("meta", "goal") == ""
        laptop.syncer.stop()
        phone.syncer.stop()  # no debounced sync left to run after the clients close

    run(scenario())


def test_goals_set_on_two_devices_offline_converge_to_the_later_one(server_url: str) -> None:
    async def scenario() -> None:
        a = Device(HttpxTransport(await logged_in(server_url, "ada")), name="a")
        b = Device(HttpxTransport(await logged_in(server_url, "ada")), name="b")
        user = await uid(a.syncer.transport.client)
        await a.syncer.start(user)
        await b.syncer.start(user)
        a.online = b.online = False
        await StudyRecord(a.store).set_goal("learn SQL")
        await StudyRecord(b.store).set_goal("learn Git")  # the later edit
        a.online = b.online = True
        await a.syncer.sync()
        await b.syncer.sync()
        await a.syncer.sync()
        assert await a.raw.get("meta", "goal") == await b.raw.get("meta", "goal") == "learn Git"
        a.syncer.stop()
        b.syncer.stop()

    run(scenario())


def test_the_devices_own_meta_entries_never_leave_it(server_url: str) -> None:
    async def scenario() -> None:
        transport = Recording(HttpxTransport(await logged_in(server_url, "ada")))
        device = Device(transport, name="own")
        await device.store.put("meta", "quiz", {"topic": "walrus-quiz"})
        await device.store.put("meta", "study_days", ["2026-12-01"])
        await device.syncer.start(await uid(transport.inner.client))
        await StudyRecord(device.store).set_goal("narwhal goal")
        await device.store.put("meta", "quiz", {"topic": "walrus-again"})
        await device.syncer.sync()
        sent = "\n".join(transport.bodies)
        assert "narwhal goal" in sent
        assert "walrus" not in sent and "web-own" not in sent.replace('"device_id": "web-own"', "")
        assert '"entity_id": "sync' not in sent
        device.syncer.stop()

    run(scenario())


def test_a_pulled_learner_meta_entity_that_is_not_synced_is_ignored(server_url: str) -> None:
    async def scenario() -> None:
        rogue = SyncClient(HttpxTransport(await logged_in(server_url, "ada")), "web-rogue", _Mem())
        rogue.record(META_KIND, DEVICE_KEY, {"value": "web-stolen"})
        rogue.record(META_KIND, "goal", {"value": "learn Rust"})
        await rogue.push()
        device = Device(HttpxTransport(await logged_in(server_url, "ada")), MemoryStore(), name="victim")
        await device.syncer.start(await uid(device.syncer.transport.client))
        assert await device.raw.get("meta", "goal") == "learn Rust"
        assert await device.raw.get("meta", DEVICE_KEY) == "web-victim"
        assert "goal" in SYNCED_META
        device.syncer.stop()

    run(scenario())
