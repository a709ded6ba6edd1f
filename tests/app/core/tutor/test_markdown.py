from __future__ import annotations

from app.core.tutor.markdown import render


def test_model_output_cannot_inject_markup() -> None:
    html = render('<img src=x onerror="alert(1)"> [bad](javascript:alert(1)) '
                  '[ok](https://docs.python.org/3/) [in](#/topic/python.loops)')
    assert "<img" not in html and "&lt;img" in html
    assert 'href="javascript' not in html
    assert '<a href="https://docs.python.org/3/">ok</a>' in html
    assert '<a href="#/topic/python.loops">in</a>' in html


def test_blocks_lists_code_and_emphasis() -> None:
    html = render("# Loops\n\nA *for* loop:\n\n- one\n- **two**\n\n```python\nfor i in x:\n    "
                  "print(i < 3)\n```\n\n1. first\n2. second")
    assert html == (
        "<h3>Loops</h3><p>A <em>for</em> loop:</p><ul><li>one</li><li><strong>two</strong>"
        "</li></ul><pre><code class=\"language-python\">for i in x:\n    print(i &lt; 3)"
        "</code></pre><ol><li>first</li><li>second</li></ol>"
    )


def test_citations_become_links_only_when_known() -> None:
    links = {1: "#/topic/python.loops"}
    html = render("See [1] and [7].", cite=links.get)
    assert '<a class="cite" href="#/topic/python.loops">[1]</a>' in html
    assert "[7]" in html and "[7]</a>" not in html


def test_an_unfinished_stream_renders_its_open_code_block() -> None:
    assert render("Try:\n```\nx = 1") == "<p>Try:</p><pre><code>x = 1</code></pre>"


def test_numbered_steps_split_by_code_keep_their_numbers() -> None:
    html = render("1. Create it:\n   ```bash\n   python -m venv .venv\n   ```\n2. Activate it.")
    assert html == ('<ol><li>Create it:</li></ol><pre><code class="language-bash">'
                    'python -m venv .venv</code></pre><ol start="2"><li>Activate it.</li></ol>')
