"""Flask-AppBuilder's own English strings that our Russian catalogue translates.

FAB 5.3's Russian catalogue misses these or translates them badly («Добавлено
строк» for one added record). Flask-Babel merges FAB's catalogue first and ours
(``translations/``) later, so ours wins. The strings are listed here only so that
``pybabel extract`` keeps them in ``messages.pot`` and ``pybabel update`` never
marks their Russian (in ``translations/ru/LC_MESSAGES/messages.po``) obsolete.
Nothing imports this module at run time.
"""
from flask_babel import lazy_gettext as _l

FAB_STRINGS = [
    # list, show, add and edit pages
    _l("Add"), _l("Edit"), _l("Show"), _l("Delete"), _l("Detail"), _l("Edit record"),
    _l("Are you sure you want to delete this item?"), _l("User confirmation needed"),
    _l("Order by"), _l("Page size"), _l("Select Value"), _l("Not a valid choice"),
    _l("Not a valid date value"), _l("Count of"), _l("Avg. of"), _l("Contains (insensitive)"),
    _l("Start with"), _l("Ends with"), _l("In"), _l("Not In"), _l("form"),
    # flash messages
    _l("Added Row"), _l("Changed Row"), _l("Deleted Row"), _l("Database Error"), _l("Access is Denied"),
    _l("Associated data exists, please delete them first"), _l("Integrity error, probably unique constraint"),
    _l("Invalid login. Please try again."), _l("User information changed"), _l("Password Changed"),
    _l("Invalid state signature"),
    # security pages
    _l("Email"), _l("Groups"), _l("List Groups"), _l("Show Group"), _l("Add Group"), _l("Edit Group"),
    _l("Either select a role or a group"), _l("Edit User Information"), _l("Profile"),
    _l("The user's password for authentication"), _l("The user's email, this will also be used for OID auth"),
    _l("Username valid for authentication on DB or LDAP, unused for OID auth"),
    _l("Write the user first name or names"), _l("Write the user last name"),
    _l("User(s) exists in the role, cannot delete"), _l("User(s) exists in the group, cannot delete"),
    _l("Failed login count"), _l("Personal Info"), _l("Audit Info"), _l("Reset Password Form"),
    _l("Copy the selected roles?"), _l("Permission"), _l("Views/Menus"), _l("Username"),
    _l("Must have at least two capital letters, one special character, two digits, three lower case "
       "letters and a minimal length of 10."),
    _l("Sign In with "), _l("Sign in using:"),
]
