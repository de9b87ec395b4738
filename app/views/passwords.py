"""Passwords and sessions around FAB's login (issue 5, R12):

- failed logins are throttled per account, per trusted browser and per address
  (``app/throttle.py``); an unknown name costs the same password check as a wrong
  password (FAB's dummy hash is made with the accounts' hash method);
- a blocked account (consent withdrawn, closed by the Администратор) is told so;
- a one-time password, or a staff password older than ``password_max_age_days``,
  leads every page to «Смена пароля» until it is changed;
- every password set (FAB's forms, this page, the issuing service) passes the
  complexity policy and records when it was set;
- «Выход» ends the session on the server: the account's session epoch moves
  on, so a replayed old cookie opens nothing; the session lifetime is
  ``PERMANENT_SESSION_LIFETIME`` (SESSION_LIFETIME_MINUTES).
"""
from __future__ import annotations

import secrets
from contextlib import nullcontext

from flask import current_app, flash, g, has_app_context, has_request_context, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.views import AuthDBView
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import event, func, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import check_password_hash, generate_password_hash

from ..exceptions import RuleError
from ..extensions import db
from ..models import Account, Organisation
from ..models.base import now
from ..scoping import acting_as
from ..services.passwords import change_own_password, check_password, min_length, password_expired
from ..services.passwords import is_staff as services_is_staff
from ..throttle import LoginThrottle, device_nonce, remember_device, throttle_for

EPOCH_KEY = "_ejournal_epoch"
EXPIRED_KEY = "_ejournal_pw_expired"
# Pages open while a password change is due (and the login and logout, see ``_check_session``).
_OPEN_ENDPOINTS = frozenset({"PasswordChangeView.change", "static", "appbuilder.static", "LocaleView.index"})


def is_staff(account) -> bool:
    return services_is_staff(account, current_app.extensions["ejournal"].roles)


def _on_password_set(target, value, oldvalue, initiator):
    """Any new password: its date is recorded (R12) and the account's other sessions
    end (a stolen session must not outlive the change). A password set by someone
    else, on a new account or a reset one, is one-time: it is changed at the next
    login. The session that changed its own password stays open."""
    own = has_request_context() and current_user.is_authenticated and current_user.id == target.id
    by_someone_else = has_request_context() and current_user.is_authenticated and not own
    target.password_changed_at = now()
    target.must_change_password = by_someone_else
    target.session_epoch = (target.session_epoch or 0) + 1
    if own:
        session[EPOCH_KEY] = target.session_epoch
    return value


def _fab_validator(password: str) -> None:
    """FAB's password forms (own reset, the Администратор's reset, new users)
    call this with the password only; the account comes from the request."""
    username, staff = None, True
    endpoint = request.endpoint or ""
    if endpoint.startswith("ResetMyPasswordView") and current_user.is_authenticated:
        username, staff = current_user.username, is_staff(current_user)
    elif endpoint.startswith("ResetPasswordView") and request.args.get("pk"):
        account = db.session.get(Account, request.args.get("pk", type=int))
        if account is not None:
            username, staff = account.username, is_staff(account)
    else:
        username = request.form.get("username")
    try:
        check_password(password, username, staff=staff)
    except RuleError as exc:
        raise PasswordComplexityValidationError(str(exc)) from None


def throttle() -> LoginThrottle:
    return throttle_for(current_app)


def _account_id_named(name: str) -> int | None:
    """The account a login form's name means: a login, else an e-mail (as FAB finds it).
    Both are looked up whatever the answer, so that an unknown name takes as long."""
    sm = current_app.appbuilder.sm
    with acting_as(None):
        by_login = sm.find_user(username=name)
        by_email = sm.find_user(email=name)
    account = by_login or by_email
    return account.id if account is not None else None


def _count_failure(app, account_id: int):
    """The account's «Неудачных входов» (FAB's ``fail_login_count``), written after the
    answer has gone: an unknown name, which has no row, must not answer faster."""

    def write():
        # After the answer the request's context is gone; a test client's may still be there.
        with (nullcontext() if has_app_context() else app.app_context()), acting_as(None):
            try:
                db.session.execute(update(Account).where(Account.id == account_id)
                                   .values(fail_login_count=func.coalesce(Account.fail_login_count, 0) + 1)
                                   .execution_options(synchronize_session=False))
                db.session.commit()
            except SQLAlchemyError:  # bookkeeping only: the login's answer has gone already
                db.session.rollback()
                app.logger.warning("could not count a failed login of account %s", account_id, exc_info=True)

    return write


def _throttled_message(seconds: int) -> str:
    n = seconds % 100
    if n % 10 == 1 and n != 11:
        return _("Слишком много неудачных попыток входа. Подождите %(n)s секунду и попробуйте снова.", n=seconds)
    if 2 <= n % 10 <= 4 and not 12 <= n <= 14:
        return _("Слишком много неудачных попыток входа. Подождите %(n)s секунды и попробуйте снова.", n=seconds)
    return _("Слишком много неудачных попыток входа. Подождите %(n)s секунд и попробуйте снова.", n=seconds)


def _replace_flash(message: str) -> None:
    flashes = session.get("_flashes", [])
    if flashes:
        flashes.pop()  # FAB's «Неверный логин» says less than ours
        session["_flashes"] = flashes
    flash(message, "danger")


class EjournalAuthDBView(AuthDBView):
    """FAB's login and logout (``authdbview`` of the security manager) with the
    throttle, the blocked account told so, the session epoch and the password's age."""

    @expose("/login/", methods=["GET", "POST"])
    def login(self):
        if request.method != "POST" or current_user.is_authenticated:
            return super().login()
        username = (request.form.get("username") or "").strip()
        if not username:
            return super().login()  # FAB checks no password without a name
        guard = throttle()
        account_id = _account_id_named(username)
        device = device_nonce(current_app, request, account_id)
        attempt = guard.begin(guard.account_key(account_id, username, device), request.remote_addr,
                              device=device is not None)
        if attempt.refused:  # the password is not even checked
            flash(_throttled_message(attempt.wait), "danger")
            return redirect(self.appbuilder.get_url_for_login)
        try:
            response = super().login()
        except BaseException:
            guard.failed(attempt)
            raise
        if current_user.is_authenticated:
            guard.succeeded(attempt)
            _start_session(current_user)
            remember_device(current_app, request, response, current_user.id)
        else:
            guard.failed(attempt)
            if g.get("ejournal_failed_login"):
                response.call_on_close(_count_failure(current_app._get_current_object(), g.ejournal_failed_login))
            with acting_as(None):
                account = db.session.get(Account, account_id) if account_id is not None else None
            if account is not None and not account.active and account.password \
                    and check_password_hash(account.password, request.form.get("password") or ""):
                _replace_flash(_("Учётная запись заблокирована: нет действующего согласия на обработку персональных "
                                 "данных или вход закрыт администратором. Обратитесь к классному руководителю "
                                 "или секретарю."))
        return response

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        # «Выход» is a form (POST with the CSRF token): a link or an image on another
        # page could end the session otherwise. GET only asks.
        if request.method != "POST":
            if not current_user.is_authenticated:
                return redirect(self.appbuilder.get_url_for_index)
            return self.render_template("logout.html")
        if current_user.is_authenticated:
            account_id = current_user.id
            # A bulk UPDATE: no audit entry for every «Выход»; other devices end too.
            db.session.execute(update(Account).where(Account.id == account_id)
                               .values(session_epoch=Account.session_epoch + 1)
                               .execution_options(synchronize_session=False))
            db.session.commit()
        response = super().logout()
        session.clear()
        return response


def _start_session(account) -> None:
    session.permanent = True  # PERMANENT_SESSION_LIFETIME applies
    session[EPOCH_KEY] = account.session_epoch or 0
    if is_staff(account) and account.org_id:
        host = current_app.extensions["ejournal"]
        with acting_as(None):  # the scope was resolved before the login: anonymous
            org = db.session.get(Organisation, account.org_id)
        days = host.setting(org, "core", "password_max_age_days")
        if password_expired(account.password_changed_at, days, now()):
            session[EXPIRED_KEY] = True


def _check_session():
    if not current_user.is_authenticated:
        return None
    if session.get(EPOCH_KEY) != (current_user.session_epoch or 0) or not current_user.active:
        logout_user()
        session.clear()
        g.user = None
        return redirect(current_app.appbuilder.get_url_for_login)
    auth = current_app.appbuilder.sm.auth_view.endpoint
    if request.endpoint in _OPEN_ENDPOINTS or request.endpoint in {f"{auth}.login", f"{auth}.logout"} \
            or (request.endpoint or "").endswith(".static"):
        return None
    if current_user.must_change_password or session.get(EXPIRED_KEY):
        if request.path.startswith("/api/"):
            return {"message": _("Смените пароль: %(url)s", url=url_for("PasswordChangeView.change"))}, 403
        return redirect(url_for("PasswordChangeView.change"))
    return None


class PasswordChangeView(BaseView):
    """«Смена пароля»: the own password, with the policy explained."""

    route_base = "/password"
    default_view = "change"

    @expose("/change", methods=["GET", "POST"])
    def change(self):
        if not current_user.is_authenticated:
            return redirect(current_app.appbuilder.get_url_for_login)
        account = current_user
        staff = is_staff(account)
        forced = bool(account.must_change_password)
        expired = bool(session.get(EXPIRED_KEY))
        errors = []
        if request.method == "POST":
            try:
                change_own_password(account, request.form.get("old_password"), request.form.get("password"),
                                    request.form.get("confirm"), staff=staff,
                                    hash_method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"))
            except RuleError as exc:
                errors.append(exc.shown())
            if not errors:
                db.session.commit()
                session.pop(EXPIRED_KEY, None)
                flash(_("Пароль изменён."), "success")
                return redirect(url_for("HomeView.index") if "HomeView.index" in current_app.view_functions else "/")
        return self.render_template("accounts/change_password.html", forced=forced, expired=expired, errors=errors,
                                    min_length=min_length(staff))


def init_accounts(app) -> None:
    """The password policy for FAB's forms, the password change page and the
    session check of every request (login and logout: ``EjournalAuthDBView``)."""
    app.config["FAB_PASSWORD_COMPLEXITY_ENABLED"] = True
    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = _fab_validator
    # FAB checks an unknown name's password against this hash: of the accounts' own method,
    # an unknown name and a wrong password take the same time.
    app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"] = generate_password_hash(
        secrets.token_hex(16), method=app.config.get("FAB_PASSWORD_HASH_METHOD") or "scrypt")
    if not event.contains(Account.password, "set", _on_password_set):
        event.listen(Account.password, "set", _on_password_set, retval=True)
    app.appbuilder.add_view_no_menu(PasswordChangeView())
    app.before_request(_check_session)
