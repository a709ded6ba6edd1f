"""One roadmap.sh topic file → our prose and links, each change noted."""

from __future__ import annotations

import pytest

from builder.content.roadmapsh.topic import convert_url, read_topic_text
from builder.content.topics import MAX_WORDS, ResourceLink, count_words


def test_title_prose_and_typed_links_are_split() -> None:
    text = read_topic_text(
        "# Loops\n\nA loop repeats a block.\n\nVisit the following resources to learn more:\n\n"
        "- [@official@The for statement](https://docs.python.org/3/reference/compound_stmts.html)\n"
        "- [@video@Loops in ten minutes](https://www.youtube.com/watch?v=x)\n")
    assert (text.title, text.prose, text.notes) == ("Loops", "A loop repeats a block.", [])
    assert text.links == [
        ResourceLink("official", "The for statement",
                     "https://docs.python.org/3/reference/compound_stmts.html"),
        ResourceLink("video", "Loops in ten minutes", "https://www.youtube.com/watch?v=x")]


def test_an_untyped_link_in_the_prose_stays_prose() -> None:
    text = read_topic_text("# T\n\nSee these:\n\n- [A list item](https://example.org/a)\n\nMore text.\n")
    assert text.links == []
    assert text.prose == "See these:\n\n- [A list item](https://example.org/a)\n\nMore text."


def test_text_after_the_links_is_kept() -> None:
    text = read_topic_text("# T\n\nFirst.\n\n- [@article@A](https://example.org/a)\n\n### Tips\n\nLast.\n")
    assert text.prose == "First.\n\n### Tips\n\nLast."
    assert [link.url for link in text.links] == ["https://example.org/a"]


def test_front_matter_control_characters_and_a_resources_heading_are_noted() -> None:
    text = read_topic_text("---\nold: 1\n---\n# T\x07itle\r\n\nBody.\n\n## Resources\n\nMore.\n")
    assert text.title == "Title"
    assert text.prose == "Body.\n\n### Resources\n\nMore."
    assert text.notes == ["1 control character(s) removed", "front matter dropped",
                          "a '## Resources' heading in the text became '### Resources' "
                          "(ours starts the link list)"]


def test_an_oversized_text_is_cut_at_a_paragraph() -> None:
    paragraph = " ".join(["word"] * 500)
    text = read_topic_text(f"# Long\n\n{paragraph}\n\n{paragraph}\n\n{paragraph}\n")
    assert count_words(text.prose) == 1000 <= MAX_WORDS
    assert text.notes == [f"text of 1500 words cut to 1000 (our topics hold at most {MAX_WORDS})"]


@pytest.mark.parametrize(
    ("line", "kind", "note"),
    [
        ("- [@opensource@Repo](https://github.com/a/b)", "opensource", None),
        ("- [@book@Book](https://example.org/b)", "book", None),
        ("- [@course@Course](https://example.org/c)", "course", None),
        ("- [@podcast@Show](https://example.org/p)", "video",
         "link 'Show': podcast link taken as 'video' (we have no podcast kind)"),
        ("- [@feed@Posts](https://example.org/f)", "article",
         "link 'Posts': feed link taken as 'article' (we have no feed kind)"),
        ("- [@blog@Post](https://example.org/b)", "article",
         "link 'Post': unknown link kind 'blog' taken as 'article'"),
    ],
)
def test_link_kinds(line: str, kind: str, note: str | None) -> None:
    text = read_topic_text(f"# T\n\n{line}\n")
    assert [link.type for link in text.links] == [kind]
    assert text.notes == ([note] if note else [])


@pytest.mark.parametrize(
    ("line", "note"),
    [
        ("- [@course@SQL Mastery](https://roadmap.sh/courses/sql)",
         "link 'SQL Mastery' dropped: a paid course"),
        ("- [@course@Premium SQL Course](https://example.org/sql)",
         "link 'Premium SQL Course' dropped: a paid course"),
        ("- [@article@Old](http://example.org/)",
         "link 'Old' dropped: an http:// address (ours are https:// only)"),
        ("- [@article@Mail](mailto:a@example.org)",
         "link 'Mail' dropped: not an https:// address: 'mailto:a@example.org'"),
    ],
)
def test_links_we_cannot_keep_are_dropped_with_a_note(line: str, note: str) -> None:
    text = read_topic_text(f"# T\n\n{line}\n")
    assert (text.links, text.notes) == ([], [note])


def test_titles_lose_entities_and_brackets() -> None:
    text = read_topic_text("# T\n\n- [@article@Tips &amp; [tricks]](https://example.org/t)\n")
    assert text.links == [ResourceLink("article", "Tips & (tricks)", "https://example.org/t")]


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("https://example.org/a_(b)", "https://example.org/a_%28b%29"),
        ("https://example.org/it's here", "https://example.org/it%27s%20here"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        ("https://example.org:8443/a?b=c#d", "https://example.org:8443/a?b=c#d"),
    ],
)
def test_urls_are_written_as_our_links_take_them(raw: str, url: str) -> None:
    assert convert_url(raw)[0] == url


def test_a_url_with_a_bad_port_is_refused() -> None:
    assert convert_url("https://example.org:99999/") == (
        None, "not a URL we can link: 'https://example.org:99999/'")


def test_a_smaller_heading_serves_as_title_and_other_link_intros_are_known() -> None:
    text = read_topic_text("## Small\n\nText.\n\nVisit the following links for more information:\n\n"
                           "- [Docs](https://example.org/d)\n")
    assert (text.title, text.prose) == ("Small", "Text.")
    assert text.links == [ResourceLink("article", "Docs", "https://example.org/d")]
    assert text.notes == ["link 'Docs': untyped link taken as 'article'"]
