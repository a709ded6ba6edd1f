"""A small compiled library whose topics have enough text for quizzes (tests only)."""

from __future__ import annotations

from typing import Any

from tests.app.core.library.test_catalog import roadmap, topic

TEXTS = {
    ("git.staging", "en"): (
        "<p>Between the working tree and the history sits the staging area. <code>git add</code> "
        "copies the current content of a file into the staging area, and later commits take it from "
        "there.</p><p>A branch in Git is a lightweight, movable name that points at a commit.</p>"),
    ("git.log", "en"): (
        "<p><code>git log</code> lists the commits of the current branch, newest first. A tag is a "
        "name that permanently marks one commit, usually a release.</p><p>The reflog is a local diary "
        "of where <code>HEAD</code> and each branch have pointed.</p>"),
    ("git.remote", "en"): (
        "<p><code>git push</code> sends your commits to the remote repository you name. A remote is a "
        "named reference to another copy of the repository.</p><p><code>git fetch</code> downloads new "
        "commits from the remote but changes nothing in your working tree.</p>"),
    ("git.undo", "en"): (
        "<p><code>git revert</code> makes a new commit that undoes an old one, so history stays "
        "intact.</p><p>A stash is a shelf for uncommitted changes that you want to put aside for a "
        "while.</p>"),
}


def quiz_data(retrieval: dict[str, Any] | None = None) -> dict[str, Any]:
    from contracts.library import FORMAT

    topics = []
    for (tid, lang), html in TEXTS.items():
        entry = topic(tid, lang, tid.split(".")[1].title())
        entry["html"] = html
        topics.append(entry)
    data: dict[str, Any] = {
        "format": FORMAT,
        "roadmaps": [roadmap("git", "en", "Git", [["git.staging", "git.log"], ["git.remote", "git.undo"]])],
        "topics": topics,
    }
    if retrieval is not None:
        data["retrieval"] = retrieval
    return data


RETRIEVAL = {
    "passages": "/content/passages.json", "vectors": "/content/vectors.f32", "vectors_sha256": "0" * 64,
    "count": 0, "dim": 64, "model": "embedder-x", "dtype": "q8", "passage_prefix": "passage: ",
    "query_prefix": "query: ",
}
