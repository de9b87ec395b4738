"""The UI is Russian: every menu entry, list, show, add and edit page, the login
page, flash messages, form errors and the error pages, for users of several roles."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import base_config
from tests.world import PASSWORD

# FAB's English words and phrases that must never reach a page.
ENGLISH = [
    "Sign In", "Login", "Logout", "Add", "Edit", "Edit record", "Show", "Show record", "Delete", "Delete record",
    "Search", "No records found", "Save", "Back", "List", "Actions", "Record Count", "Cancel", "Detail",
    "Email", "True", "False", "None", "Language", "Profile", "Security", "Home", "Refresh", "User info",
    "Reset my password", "Reset Password", "Filter", "Add Filter", "Page size", "Order by", "Select",
    "Are you sure", "User confirmation needed", "Access is Denied", "Added Row", "Changed Row", "Deleted Row",
    "This field is required", "Invalid login", "Not a valid", "Personal Info", "Audit Info", "Created By",
    "Changed By", "Created On", "Changed On", "Groups", "Welcome", "Username", "Password", "Not Found",
    "Forbidden", "Internal Server Error", "Bad Request", "CSRF", "Detail", "Your user information",
]
ENGLISH_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in sorted(set(ENGLISH), key=len, reverse=True))
                        + r")(?![\w-])")


class _Text(HTMLParser):
    """Visible text: text nodes outside <script>/<style>, plus titles and placeholders."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attrs = dict(attrs)
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag in ("input", "button") and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


# English still on a page, owned elsewhere and reported: FAB's role pages (system
# administrator only) have an unlabelled "Groups" column until app/security.py gives
# FAB's RoleModelView Russian labels, and list FAB's internal permission names
# ("menu access on List Roles").
KNOWN_ENGLISH = {"sysadmin /roles/": {"Groups", "List"}}


def _known(where: str) -> set:
    return set().union(*(words for prefix, words in KNOWN_ENGLISH.items() if where.startswith(prefix)))


def assert_russian(html: str, where: str) -> None:
    text = visible_text(html)
    found = sorted(set(ENGLISH_RE.findall(text)) - _known(where))
    assert not found, f"{where}: English {found}"
    assert re.search("[А-Яа-яЁё]", text), f"{where}: no Russian text at all"


def menu_urls(app, client) -> list[str]:
    """The hrefs of every menu entry the signed-in user sees, from the rendered navbar."""
    html = client.get("/").get_data(as_text=True)
    nav = html[html.index('class="navbar'):]
    nav = nav[:nav.index("</nav>")] if "</nav>" in nav else nav
    urls = re.findall(r'href="(/[^"#]*)"', nav)
    return sorted({u for u in urls if "/logout" not in u and "/lang/" not in u})


@pytest.mark.parametrize("username", ["sysadmin", "admin1", "teacher1", "parent1", "uo_a"])
def test_every_menu_page_is_russian(app, client, login, username):
    login(username)
    assert_russian(client.get("/").get_data(as_text=True), f"{username} /")
    urls = menu_urls(app, client) + ["/users/userinfo/", "/resetmypassword/form"]
    assert len(urls) > 2, urls
    lists = 0
    for url in urls:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, (username, url, response.status_code)
        html = response.get_data(as_text=True)
        assert_russian(html, f"{username} {url}")
        if "/list/" not in url:
            continue
        lists += 1
        base = url.split("/list/")[0]
        pages = []
        first = re.search(rf'href="({re.escape(base)}/show/[^"?]+)', html)
        if first:
            pages.append(first.group(1))
        edit = re.search(rf'href="({re.escape(base)}/edit/[^"?]+)', html)
        if edit:
            pages.append(edit.group(1))
        if re.search(rf'href="{re.escape(base)}/add"', html):
            pages.append(f"{base}/add")
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (username, page, response.status_code)
            assert_russian(response.get_data(as_text=True), f"{username} {page}")
    if username != "parent1":  # the parent's menu has no list page (yet)
        assert lists, f"{username} sees no list page"


def test_admin_sees_the_writable_pages(client, login):
    """admin1 writes: the add/edit forms and the row buttons are there, and Russian."""
    login("admin1")
    html = client.get("/learnerview/list/").get_data(as_text=True)
    assert 'href="/learnerview/add"' in html
    assert "/learnerview/edit/" in html
    text = visible_text(html)
    for word in ("Обучающиеся", "Выход", "Поиск", "Добавить", "Количество записей"):
        assert word in text, word


def test_login_page_is_russian(client):
    html = client.get("/login/").get_data(as_text=True)
    assert_russian(html, "/login/")
    assert "Вход" in visible_text(html)


def test_failed_login_flash_is_russian(client):
    response = client.post("/login/", data={"username": "admin1", "password": "wrong"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert_russian(html, "failed login")
    assert "Неверный логин или пароль" in html


def test_anonymous_is_sent_to_login_in_russian(client):
    response = client.get("/learnerview/list/", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "/login/" in response.request.path
    assert_russian(html, "anonymous redirect")
    assert "Доступ запрещён" in html


def test_404_page_is_russian_in_layout(client, login):
    login("teacher1")
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert_russian(html, "404")
    assert "Страница не найдена" in html and "Выход" in html  # inside the site layout


def test_403_page_is_russian(client, login):
    login("teacher1")
    response = client.get("/auditview/list/", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert_russian(html, "403")
    assert "Доступ запрещён" in html


def test_500_page_is_russian(app):
    from app import create_app

    # An app of its own: a route cannot be added to one that has served requests.
    app = create_app({**base_config(app.config["SQLALCHEMY_DATABASE_URI"]), "PROPAGATE_EXCEPTIONS": False})

    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    client = app.test_client()
    client.post("/login/", data={"username": "teacher1", "password": PASSWORD})
    response = client.get("/boom-for-test")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert_russian(html, "500")
    assert "Ошибка на сервере" in html and "boom" not in html


def test_form_error_is_russian_and_nothing_is_added(app, client, login):
    from app.extensions import db
    from app.models import Subject

    login("admin1")
    with app.app_context():
        before = db.session.query(Subject).count()
    response = client.post("/subjectview/add", data={"name": "", "plugin": "school"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert_russian(html, "add form with an error")
    assert "Обязательное поле." in visible_text(html) or "Это поле обязательно." in visible_text(html)
    with app.app_context():
        assert db.session.query(Subject).count() == before


def test_add_edit_delete_flashes_are_russian(app, client, login):
    from app.extensions import db
    from app.models import Subject

    login("admin1")
    html = client.post("/subjectview/add", data={"name": "Физика", "plugin": "school"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Запись добавлена" in html
    assert_russian(html, "after add")
    with app.app_context():
        pk = db.session.query(Subject.id).filter_by(name="Физика").scalar()
    html = client.post(f"/subjectview/edit/{pk}", data={"name": "Физика 2", "plugin": "school"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Изменения сохранены" in html
    assert_russian(html, "after edit")
    html = client.post(f"/subjectview/delete/{pk}", follow_redirects=True).get_data(as_text=True)
    assert "Запись удалена" in html
    assert_russian(html, "after delete")


@pytest.fixture
def csrf_app(template_db):
    from app import create_app
    from tests.conftest import dispose, drop_database, make_database

    url = make_database(template=template_db[0])
    app = create_app({**base_config(url), "WTF_CSRF_ENABLED": True})
    yield app
    dispose(app)
    drop_database(url)


def test_post_without_csrf_token_is_refused_in_russian(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login/", data={"username": "admin1", "password": "x"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert_russian(html, "CSRF")
    assert "Форма устарела" in html
