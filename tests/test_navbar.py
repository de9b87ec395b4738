"""The top menu is rendered once per kind of user and kept (app/views/navbar.py): what it
holds still follows the user's rights and mail on his next request."""
from __future__ import annotations

from tests.test_scope_cache import _save_rights

JOURNAL_ENTRY = 'tabindex="-1" href="/journal/"'


def test_a_menu_entry_goes_with_its_right_on_the_next_request(app, client, login, world):
    login("teacher1")
    assert JOURNAL_ENTRY in client.get("/").get_data(as_text=True)
    assert JOURNAL_ENTRY in client.get("/").get_data(as_text=True)  # the kept menu
    _save_rights(app, world.org1, {("Учитель", "Marks"): "none", ("Классный руководитель", "Marks"): "none"})
    assert JOURNAL_ENTRY not in client.get("/").get_data(as_text=True)


def test_the_kept_menu_shows_the_unread_counter_of_now(app, client, login, world):
    from tests.test_mail import _ids, _send

    (parent,) = _ids(app, "parent1")
    login("parent1")
    assert "Почта (1)" not in client.get("/").get_data(as_text=True)
    login("teacher1")
    _send(client, [parent], subject="Собрание")
    login("parent1")
    assert "Почта (1)" in client.get("/").get_data(as_text=True)
