"""The trail map, a quiz and the review on a phone-sized screen in real Chromium: nothing
is wider than the screen (no sideways scrolling), the controls are large enough to tap,
the fixed "Ask the tutor" entry leaves the page's last controls reachable, and the
README's phone screenshots come from here."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.app.ui.test_quiz_review import TOPIC, answer, questions
from tests.app.ui.test_shell import SCREENSHOTS, boot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
MIN_TARGET_PX = 24  # WCAG 2.5.8, the smallest tap target


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0: no sideways scroll)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def small_targets(page: Page, selector: str) -> list[str]:
    """The visible controls under ``selector`` smaller than the minimum tap target."""
    found: list[str] = page.evaluate("""([selector, least]) =>
        Array.from(document.querySelectorAll(selector)).filter((el) => {
            const box = el.getBoundingClientRect();
            return box.width > 0 && box.height > 0 && (box.width < least || box.height < least);
        }).map((el) => el.outerHTML.slice(0, 120))""", [selector, MIN_TARGET_PX])
    return found


def covered_by_the_tutor_entry(page: Page) -> list[str]:
    """Scrolled to the end of the page, the controls the fixed "Ask the tutor" covers."""
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    found: list[str] = page.evaluate("""() => {
        const entry = document.querySelector('.ask-tutor').getBoundingClientRect();
        return Array.from(document.querySelectorAll('main button, main a, main input, main textarea'))
            .filter((el) => {
                const box = el.getBoundingClientRect();
                return box.width > 0 && box.bottom > entry.top && box.top < entry.bottom
                    && box.right > entry.left && box.left < entry.right;
            }).map((el) => el.outerHTML.slice(0, 120));
    }""")
    return found


def test_map_quiz_and_review_fit_a_phone(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, service_workers="block", **PHONE)
    page = context.new_page()
    made = questions()

    boot(page, "/#/roadmap/git")
    narrow = page.locator("article.roadmap .graph-narrow")
    expect(narrow.locator("a.node").first).to_be_visible()
    expect(page.locator("article.roadmap .graph-wide")).to_be_hidden()
    assert overflow(page) == 0
    narrow.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "phone-roadmap.png"))

    page.goto(f"/#/topic/{TOPIC}")
    page.locator("section.quiz").get_by_role("button", name="Quiz yourself").click()
    answer(page, made, right=False)
    expect(page.locator("#quiz-stage .feedback")).to_have_attribute("data-verdict", "wrong")
    page.locator("#quiz-stage").scroll_into_view_if_needed()
    assert overflow(page) == 0
    assert small_targets(page, "#quiz-stage button") == []
    page.screenshot(path=str(SCREENSHOTS / "phone-quiz.png"))
    assert covered_by_the_tutor_entry(page) == []

    boot(page, "/?clock=+1d#/review")
    review = page.locator("section.review")
    expect(review.locator(".due")).to_have_text("Due today: 1")
    expect(review.locator("form.quiz-question")).to_be_visible()
    assert overflow(page) == 0
    assert small_targets(page, "section.review button") == []
    page.screenshot(path=str(SCREENSHOTS / "phone-review.png"))
    context.close()
