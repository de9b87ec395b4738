"""A strict Content-Security-Policy on every page: scripts only from our own files or
carrying the response's nonce, and no inline handler a policy would have to allow.
Walked as every demo role walks the demo: the home page, each menu entry and the
first record of each list."""
from __future__ import annotations

import json
import re

import pytest

SCRIPT_SRC = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{16,})'")
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.fixture(scope="module")
def logins(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["demo-credentials"])
    rows = json.loads(result.output)
    # One login per role and organisation: the same role elsewhere shows the same pages.
    return list({(row["role"], row["organisation"]): row for row in rows}.values())


def _pages(client) -> list[str]:
    html = client.get("/").get_data(as_text=True)
    nav = html[html.index('class="navbar'):]
    nav = nav[:nav.index("</nav>")] if "</nav>" in nav else nav
    urls = {u for u in re.findall(r'href="(/[^"#]*)"', nav) if "/logout" not in u and "/lang/" not in u}
    return ["/", *sorted(urls)]


def _violations(html: str, nonce: str) -> list[str]:
    found = []
    for attrs in SCRIPT_TAG.findall(html):
        if f'nonce="{nonce}"' not in attrs:
            found.append(f"<script{attrs}>")
    found += HANDLER.findall(html)
    if "javascript:" in html:
        found.append("javascript:")
    return found


def test_every_page_of_every_demo_role_runs_no_script_the_policy_does_not_name(demo_app, logins):
    walked = 0
    problems = []
    for row in logins:
        client = demo_app.test_client()
        client.post("/login/", data={"username": row["username"], "password": row["password"]})
        pages = _pages(client)
        seen = set()
        while pages:
            url = pages.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            walked += 1
            nonce = SCRIPT_SRC.search(response.headers["Content-Security-Policy"])
            html = response.get_data(as_text=True)
            if nonce is None:
                problems.append((row["username"], url, "no script-src nonce"))
                continue
            problems += [(row["username"], url, v) for v in _violations(html, nonce.group(1))]
            if "/list/" in url:
                first = re.search(rf'href="({re.escape(url.split("/list/")[0])}/show/[^"?]+)', html)
                if first:
                    pages.append(first.group(1))
    assert walked > 200, walked
    assert problems == []


def test_each_response_has_its_own_nonce(client, login):
    login("teacher1")
    first = SCRIPT_SRC.search(client.get("/").headers["Content-Security-Policy"]).group(1)
    second = client.get("/")
    again = SCRIPT_SRC.search(second.headers["Content-Security-Policy"]).group(1)
    assert (first != again, f'nonce="{again}"' in second.get_data(as_text=True)) == (True, True)


def test_a_declared_behaviour_replaces_the_inline_handler(client, login):
    login("teacher1")
    html = client.get("/journal/").get_data(as_text=True)
    assert ("data-autosubmit" in html, "/static/ejournal.js" in html) == (True, True)


def test_the_behaviours_script_is_served_cacheable(client):
    response = client.get("/static/ejournal.js")
    assert (response.status_code, response.headers.get("Cache-Control") != "no-store") == (200, True)
