"""Дневник: the week and the period of one learner, for the learner and his parents
(rule R10: they never open the journal). Also served as JSON by ``DiaryApi``."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, request
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, protect
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from .. import clock
from ..extensions import db
from ..models import GuardianLink, Learner, LearnerGroup, Period
from ..registry import READ
from ..scoping import current_scope
from ..services.diary import month_attendance, period_summary, week
from ..services.kinds import kind_of
from ..services.periods import pick_period, study_periods
from .base import RussianApiMixin
from .lesson import send_attachment

WEEKDAYS = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"]


def my_learners(session) -> list[Learner]:
    """Whose diary the user may open: a parent his linked children, a learner himself."""
    scope = current_scope()
    if scope is None or scope.person_id is None:
        return []
    children = select(GuardianLink.learner_id).where(GuardianLink.guardian_id == scope.person_id)
    return session.scalars(select(Learner).where(or_(Learner.id == scope.person_id, Learner.id.in_(children)))
                           .order_by(Learner.first_name)).all()


def resolve_learner(session, learner_id: int | None, mine: list[Learner]) -> Learner | None:
    """The learner asked for (404 when the user does not reach him), else the
    first of ``mine`` (``my_learners``), else None (staff open a diary by ``?learner=``)."""
    if learner_id is not None:
        learner = session.get(Learner, learner_id)  # cut by the scope: another child is simply not found
        if learner is None:
            abort(404)
        return learner
    return mine[0] if mine else None


def monday_of(value: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if value else clock.today()
    except ValueError:
        abort(400)
    return day - dt.timedelta(days=day.weekday())


MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
          "декабрь"]


def by_day(learner: Learner) -> bool:
    """A child of a group without lessons (a kindergarten's): attendance by the day, no marks."""
    kind = kind_of(learner.group) if learner.group_id else None
    return kind is not None and not kind.teaches_subjects


def periods_of(session, host, learner: Learner) -> list[Period]:
    return study_periods(session, host, session.get(LearnerGroup, learner.group_id))


class DiaryView(BaseView):
    route_base = "/diary"
    class_permission_name = "Diary"
    method_permission_name = {"week": READ, "period": READ, "month": READ, "attachment": READ}
    default_view = "week"

    @staticmethod
    def menu_label():
        return _l("Дневник")

    @expose("/")
    @has_access
    def week(self):
        session = db.session
        learners = my_learners(session)
        learner = resolve_learner(session, request.args.get("learner", type=int), learners)
        if learner is None:
            return self.render_template("diary.html", mode="none", learner=None, learners=[])
        if by_day(learner):
            return self._month(session, learner, learners)
        monday = monday_of(request.args.get("date"))
        data = week(session, learner, monday)
        return self.render_template("diary.html", mode="week", data=data, learner=learner, learners=learners,
                                    monday=monday, weekdays=WEEKDAYS, timedelta=dt.timedelta,
                                    parse=dt.date.fromisoformat)

    @expose("/period")
    @has_access
    def period(self):
        session = db.session
        host = current_app.extensions["ejournal"]
        learners = my_learners(session)
        learner = resolve_learner(session, request.args.get("learner", type=int), learners)
        if learner is None:
            return self.render_template("diary.html", mode="none", learner=None, learners=[])
        periods = periods_of(session, host, learner)
        period = pick_period(periods, request.args.get("period", type=int))
        data = period_summary(session, host, learner, period) if period else None
        return self.render_template("diary.html", mode="period", data=data, learner=learner,
                                    learners=learners, periods=periods, period=period,
                                    parse=dt.date.fromisoformat)


    @expose("/month")
    @has_access
    def month(self):
        session = db.session
        learners = my_learners(session)
        learner = resolve_learner(session, request.args.get("learner", type=int), learners)
        if learner is None:
            return self.render_template("diary.html", mode="none", learner=None, learners=[])
        return self._month(session, learner, learners)

    def _month(self, session, learner, learners):
        """A child attending by the day (no lessons, no marks): the month's attendance as a calendar."""
        try:
            month = dt.date.fromisoformat(request.args.get("month") + "-01") if request.args.get("month") \
                else clock.today()
        except ValueError:
            abort(400)
        data = month_attendance(session, learner, month)
        return self.render_template("diary.html", mode="month", data=data, learner=learner,
                                    learners=learners, by_day=True, months=MONTHS)

    @expose("/attachment/<int:attachment_id>")
    @has_access
    def attachment(self, attachment_id: int):
        """A homework file, for the learner it is given to (the scope cuts the rest)."""
        return send_attachment(attachment_id)


class DiaryApi(RussianApiMixin, BaseApi):
    """The diary as JSON (documented in the OpenAPI description)."""

    resource_name = "diary"
    class_permission_name = "Diary"
    method_permission_name = {"get_week": READ, "get_period": READ}
    allow_browser_login = True
    openapi_spec_tag = "Дневник"

    @expose("/<int:learner_id>/week", methods=["GET"])
    @protect()
    def get_week(self, learner_id: int):
        """Неделя дневника: уроки, темы, отметки, посещаемость, домашние задания.
        ---
        get:
          summary: Неделя дневника обучающегося
          parameters:
          - in: path
            name: learner_id
            required: true
            schema: {type: integer}
          - in: query
            name: date
            description: любой день недели (ГГГГ-ММ-ДД); по умолчанию — сегодня
            schema: {type: string, format: date}
          responses:
            200:
              description: Семь дней с уроками
              content:
                application/json:
                  schema: {type: object}
            401: {$ref: '#/components/responses/401'}
            404: {$ref: '#/components/responses/404'}
        """
        learner = db.session.get(Learner, learner_id)
        if learner is None:
            return self.response_404()
        return self.response(200, **week(db.session, learner, monday_of(request.args.get("date"))))

    @expose("/<int:learner_id>/period", methods=["GET"])
    @protect()
    def get_period(self, learner_id: int):
        """Период дневника: текущие отметки по предметам, средневзвешенный балл, прогноз, итоговые.
        ---
        get:
          summary: Отметки обучающегося за период с прогнозом
          parameters:
          - in: path
            name: learner_id
            required: true
            schema: {type: integer}
          - in: query
            name: period
            description: номер периода; по умолчанию — текущий
            schema: {type: integer}
          responses:
            200:
              description: Предметы с отметками, средним и прогнозом
              content:
                application/json:
                  schema: {type: object}
            401: {$ref: '#/components/responses/401'}
            404: {$ref: '#/components/responses/404'}
        """
        learner = db.session.get(Learner, learner_id)
        if learner is None:
            return self.response_404()
        host = current_app.extensions["ejournal"]
        period = pick_period(periods_of(db.session, host, learner), request.args.get("period", type=int))
        if period is None:
            return self.response_404()
        return self.response(200, **period_summary(db.session, host, learner, period))
