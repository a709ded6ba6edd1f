"""A learner's own trail syncs as kind ``roadmap``: made and edited on one device, it
reaches another through the real server (SQLite and PostgreSQL, real HTTP) and reads
back as the same plan; a deletion follows."""

from __future__ import annotations

from app.core.learner import plan as rules
from app.services.roadmap import COLLECTION, Trails, Wish
from tests.app.core.learner.plan_library import real_library
from tests.app.services.test_sync import HttpxTransport, dist_dir, logged_in, run, server_url
from tests.app.services.test_syncing import Device, uid
from tests.server.support.database import database_url, postgres_schema_url, sqlite_template

__all__ = ["database_url", "dist_dir", "postgres_schema_url", "server_url", "sqlite_template"]


def test_a_trail_made_on_one_device_reaches_another_and_its_deletion_too(server_url: str) -> None:
    async def scenario() -> None:
        laptop = Device(HttpxTransport(await logged_in(server_url, "ada")), name="laptop")
        phone = Device(HttpxTransport(await logged_in(server_url, "ada")), name="phone")
        user = await uid(laptop.syncer.transport.client)
        await laptop.syncer.start(user)
        trails = Trails(laptop.store, None, None, now_ms=lambda: 1_796_000_000_000)
        plan = await trails.make(Wish("Write Python loops", "en", 2.0), real_library(), use_model=False)
        plan = rules.add(plan, "python.strings", real_library(), lambda t: t)
        assert await trails.save(plan, real_library())
        assert (await laptop.syncer.sync()).phase == "synced"

        await phone.syncer.start(user)
        assert {COLLECTION} in phone.remote
        there = Trails(phone.raw, None, None)
        assert await there.load() == 1 and there.latest() == plan

        assert await trails.delete(plan.id)
        await laptop.syncer.sync()
        await phone.syncer.sync()
        assert await Trails(phone.raw, None, None).load() == 0

    run(scenario())
