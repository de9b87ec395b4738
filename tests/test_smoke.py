def test_login_and_home(client, login, world):
    login("teacher1")
    page = client.get("/").get_data(as_text=True)
    assert "Учитель" in page
