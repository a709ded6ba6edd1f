""""My trail" in the real page: from the library's home a learner opens #/plan, states a
goal, gets a trail (the library's order: the model box is unticked, so no model is
asked for), sees it as a map, has it again after a reload (IndexedDB), marks a topic
done on its page and sees the progress on the trail, is refused a move that breaks a
prerequisite, and exports it: the downloaded file, unpacked, compiles with the content
compiler (``python -m builder.content --check``)."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.app.ui.test_shell import BOOT_TIMEOUT_MS, boot

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[3]


def test_goal_to_trail_saved_progress_refused_move_and_an_export_that_compiles(
        page: Page, tmp_path: Path) -> None:
    boot(page, "/")
    page.get_by_role("link", name="Make my own trail").click()
    expect(page.locator("main h1")).to_have_text("My trail")
    page.get_by_label("Your goal").fill("Write Python loops")
    page.get_by_label("Hours a week").fill("2")
    page.get_by_label("Use the AI model on this device (ordering, groups, gaps, why)").uncheck()
    page.get_by_role("button", name="Make my trail").click()
    trail = page.locator("section.plan")
    expect(page.locator(".plan-status")).to_have_text("Saved on this device.", timeout=60_000)
    expect(trail).to_have_attribute("data-made-by", "library")
    expect(trail.locator(".plan-made")).to_contain_text("without the AI model")
    steps = trail.locator("li.plan-step")
    expect(steps.first).to_have_attribute("data-topic", "python.installing-python")
    count = steps.count()
    assert count >= 5
    expect(trail.locator("svg.graph-wide a.node")).to_have_count(count)
    expect(trail.locator(".plan-share")).to_have_text(f"0 of {count} topics · 0%")

    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("section.plan li.plan-step")).to_have_count(count)

    # Progress: done on the topic's own page shows on the trail.
    page.locator("section.plan li.plan-step a[href='#/topic/python.installing-python']").click()
    page.locator(".marks button[data-status='done'][data-topic='python.installing-python']").click()
    expect(page.locator(".marks button[data-status='done'][data-topic='python.installing-python']")
           ).to_have_attribute("aria-pressed", "true")
    page.go_back()
    trail = page.locator("section.plan")
    expect(trail.locator(".plan-share")).to_have_text(f"1 of {count} topics · {round(100 / count)}%")
    expect(trail.locator("svg.graph-wide a.node[data-topic='python.installing-python']")
           ).to_have_attribute("data-state", "done")

    # A move before a prerequisite is refused, with the reason.
    trail.locator("li.plan-step[data-topic='python.loops'] button.plan-up").click()
    expect(page.locator(".plan-status")).to_have_text(
        "“Loops” needs “Conditionals” first, so it cannot move before it")

    with page.expect_download() as download:
        page.locator("section.plan button.plan-export").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "write-python-loops.tar"
    with tarfile.open(saved) as archive:
        archive.extractall(tmp_path / "export", filter="data")
    content = tmp_path / "export" / "content"
    result = subprocess.run([sys.executable, "-m", "builder.content", "--check", "--content", str(content)],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "1 roadmaps" in result.stdout
    roadmap = (content / "en" / "write-python-loops" / "roadmap.md").read_text(encoding="utf-8")
    assert "- python-loops <- python-conditionals" in roadmap
