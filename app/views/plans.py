"""Pages: «Учебный план» (CRUD), «Нагрузка и учебный план», «КТП» (list, plan page,
editing, import, flow of topics)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app import clock
from app.exceptions import RuleError
from app.extensions import db
from app.models import AcademicYear, LearnerGroup, Organisation, Staff, Subgroup, Subject, TeachingAssignment
from app.models.people import short_name
from app.models.plans import WORK_TYPES, CurriculumEntry, LessonPlan, LessonTopicLink, PlanTopic
from app.registry import READ, WRITE
from app.scoping import current_scope
from app.services.kinds import taught_kinds, taught_kinds_of
from app.services.plans import (
    PlanImportError, check_curriculum_entry, find_plan, flow_topics, format_hours, load_check, parse_plan_file,
    parse_rows, plan_lessons_query, r13_check, r13_of_year, r13_result, replace_topics,
)
from app.views.base import EjournalModelView, interface

PAGE_SIZE = 50
STATUS_LABELS = {
    "ok": _l("совпадает"), "no_teacher": _l("нет учителя"), "extra": _l("нет в учебном плане"),
    "more": _l("часов больше"), "less": _l("часов меньше"),
}


def current_year(session) -> AcademicYear | None:
    """The year chosen in ``?year=``, else the one running today, else the latest."""
    years = session.scalars(select(AcademicYear).order_by(AcademicYear.start.desc())).all()
    wanted = request.args.get("year", type=int)
    if wanted is not None:
        return next((y for y in years if y.id == wanted), None) or abort(404)
    today = clock.today()
    return next((y for y in years if y.start <= today <= y.end), years[0] if years else None)


def _years(session):
    return session.scalars(select(AcademicYear).order_by(AcademicYear.start.desc())).all()


def _render_year_page(view, template: str, session, year, **context):
    """A page of one school year (``plans/_year.html``): its title, the year shown and the years to choose."""
    return view.render_template(template, year=year, years=_years(session), title=view.title, fmt=format_hours,
                                **context)


# --- «Учебный план» -------------------------------------------------------------------


class CurriculumView(EjournalModelView):
    datamodel = interface(CurriculumEntry)
    class_permission_name = "Curriculum"
    title = _l("Учебный план")
    label_columns = {**EjournalModelView.label_columns, "level": _l("Параллель / курс"),
                     "hours_per_week": _l("Часов в неделю (в колледже — за семестр)")}
    list_columns = ["year", "level", "subject", "hours_per_week"]
    add_columns = edit_columns = show_columns = ["year", "level", "subject", "hours_per_week"]
    search_columns = ["year", "level", "subject"]
    base_order = ("level", "asc")
    page_size = 50

    def _check(self, item, exclude_id=None):
        try:
            year = item.year or db.session.get(AcademicYear, item.year_id)
            plugins = year.organisation.plugins if year is not None else ()
            check_curriculum_entry(item.level, item.hours_per_week, taught_kinds_of(plugins))
        except RuleError as exc:
            raise ValueError(exc.shown()) from None
        year_id = item.year.id if item.year is not None else item.year_id
        subject_id = item.subject.id if item.subject is not None else item.subject_id
        q = select(CurriculumEntry.id).where(CurriculumEntry.year_id == year_id, CurriculumEntry.level == item.level,
                                             CurriculumEntry.subject_id == subject_id)
        if exclude_id is not None:
            q = q.where(CurriculumEntry.id != exclude_id)
        with db.session.no_autoflush:
            if db.session.scalar(q) is not None:
                raise ValueError(_("В учебном плане этого года уже есть строка для этой параллели и предмета."))

    def pre_add(self, item):
        self._check(item)

    def pre_update(self, item):
        self._check(item, exclude_id=item.id)


# --- «Нагрузка и учебный план» ----------------------------------------------------------------


class LoadCheckView(BaseView):
    """For the Завуч: where the teaching load differs from the curriculum."""

    route_base = "/load"
    class_permission_name = "CurriculumLoad"
    method_permission_name = {"index": READ}
    default_view = "index"
    title = _l("Нагрузка и учебный план")

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        year = current_year(session)
        level = request.args.get("level", type=int)
        only_diff = request.args.get("diff") == "1"
        rows = load_check(session, year.id, level) if year else []
        counts = {}
        for row in rows:
            counts[row.status] = counts.get(row.status, 0) + 1
        if only_diff:
            rows = [r for r in rows if r.status != "ok"]
        return _render_year_page(self, "plans/load.html", session, year, rows=rows, level=level,
                                 only_diff=only_diff, counts=counts, labels=STATUS_LABELS)


# --- «КТП» ----------------------------------------------------------------------------


def _teacher_person():
    """The person id of a teacher limited to own classes, else None (an organisation-wide role)."""
    scope = current_scope()
    if scope is not None and scope.learner_ids is not None:
        return scope.person_id or -1
    return None


def _scoped(session, model, pk):
    if pk is None:
        return None
    return session.scalar(select(model).where(model.id == pk))


def _own_assignment(session, person_id, group_id, subject_id, subgroup_id) -> bool:
    q = select(TeachingAssignment.id).where(
        TeachingAssignment.teacher_id == person_id, TeachingAssignment.group_id == group_id,
        TeachingAssignment.subject_id == subject_id)
    if subgroup_id is not None:
        q = q.where(or_(TeachingAssignment.subgroup_id.is_(None), TeachingAssignment.subgroup_id == subgroup_id))
    else:
        q = q.where(TeachingAssignment.subgroup_id.is_(None))
    return session.scalar(q.limit(1)) is not None


class LessonPlanView(BaseView):
    """КТП: the teacher edits and imports the plans of his own classes; the Завуч reads all."""

    route_base = "/plans"
    class_permission_name = "LessonPlans"
    method_permission_name = {"index": READ, "plan": READ, "save": WRITE, "upload": WRITE, "flow": WRITE}
    default_view = "index"
    title = _l("Календарно-тематическое планирование")

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        year = current_year(session)
        person = _teacher_person()
        group_filter = request.args.get("group", type=int)
        page = max(request.args.get("page", 1, type=int), 1)
        rows, total, groups = [], 0, []
        if year is not None:
            groups = session.scalars(select(LearnerGroup).where(LearnerGroup.year_id == year.id,
                                                                LearnerGroup.kind.in_(taught_kinds()))
                                     .order_by(LearnerGroup.level, LearnerGroup.name)).all()
            units = (select(TeachingAssignment.group_id, TeachingAssignment.subject_id,
                            TeachingAssignment.subgroup_id)
                     .join(LearnerGroup, LearnerGroup.id == TeachingAssignment.group_id)
                     .where(TeachingAssignment.year_id == year.id, LearnerGroup.kind.in_(taught_kinds())).distinct())
            if person is not None:
                units = units.where(TeachingAssignment.teacher_id == person)
            if group_filter:
                units = units.where(TeachingAssignment.group_id == group_filter)
            units = units.subquery()
            total = session.scalar(select(func.count()).select_from(units))
            found = session.execute(
                select(units.c.group_id, units.c.subject_id, units.c.subgroup_id, LearnerGroup.name,
                       LearnerGroup.kind, LearnerGroup.level, Subject.name, Subgroup.name)
                .join(LearnerGroup, LearnerGroup.id == units.c.group_id)
                .join(Subject, Subject.id == units.c.subject_id)
                .outerjoin(Subgroup, Subgroup.id == units.c.subgroup_id)
                .order_by(LearnerGroup.level, LearnerGroup.name, Subject.name, Subgroup.name)
                .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
            rows = self._index_rows(session, year, found)
        return _render_year_page(self, "plans/index.html", session, year, rows=rows, groups=groups,
                                 group_filter=group_filter, page=page,
                                 pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1))

    @staticmethod
    def _index_rows(session, year, found):
        """Each unit of load with its plan's figures and R13: four more queries."""
        if not found:
            return []
        group_ids = {r[0] for r in found}
        plans = {(p.group_id, p.subject_id, p.subgroup_id): p for p in session.scalars(
            select(LessonPlan).where(LessonPlan.year_id == year.id, LessonPlan.group_id.in_(group_ids))
            .order_by(LessonPlan.id))}
        sums = dict(session.execute(
            select(PlanTopic.plan_id, func.sum(PlanTopic.hours)).where(
                PlanTopic.plan_id.in_([p.id for p in plans.values()] or [0])).group_by(PlanTopic.plan_id)).all())
        curriculum = {(lvl, sid): h for lvl, sid, h in session.execute(
            select(CurriculumEntry.level, CurriculumEntry.subject_id, CurriculumEntry.hours_per_week)
            .where(CurriculumEntry.year_id == year.id))}
        teachers: dict[tuple, list[str]] = {}
        for gid, sid, sgid, last, first, middle in session.execute(
                select(TeachingAssignment.group_id, TeachingAssignment.subject_id, TeachingAssignment.subgroup_id,
                       Staff.last_name, Staff.first_name, Staff.middle_name)
                .join(Staff, Staff.id == TeachingAssignment.teacher_id)
                .where(TeachingAssignment.year_id == year.id, TeachingAssignment.group_id.in_(group_ids))
                .order_by(Staff.last_name, Staff.first_name)):
            teachers.setdefault((gid, sid, sgid), []).append(short_name(last, first, middle))
        org = session.get(Organisation, year.org_id)
        host = current_app.extensions["ejournal"]
        own = host.curriculum_hours(session, year, session.scalars(
            select(LearnerGroup).where(LearnerGroup.id.in_(group_ids))).all())
        rows = []
        for gid, sid, sgid, gname, kind, level, sname, sgname in found:
            plan = plans.get((gid, sid, sgid))
            planned = int(sums.get(plan.id, 0) or 0) if plan else 0
            result = r13_of_year(host, kind, planned, own[gid].get(sid)) if gid in own else \
                r13_result(host, org, kind, level, planned, curriculum.get((level, sid)))
            rows.append(dict(group_id=gid, subject_id=sid, subgroup_id=sgid, group=gname, subject=sname,
                             subgroup=sgname, plan=plan, planned=planned, r13=result,
                             teachers=", ".join(teachers.get((gid, sid, sgid), []))))
        return rows

    def _unit(self, session, source):
        """The class, subject and subgroup of the request, checked against the user:
        404 for what the user cannot reach, 403 for a teacher of another class."""
        # A query, not session.get: the identity map would hand back a row the scope hides.
        group = _scoped(session, LearnerGroup, source.get("group", type=int))
        subject = _scoped(session, Subject, source.get("subject", type=int))
        subgroup_id = source.get("subgroup", type=int) or None
        if group is None or subject is None or group.kind not in taught_kinds():
            abort(404)
        subgroup = None
        if subgroup_id is not None:
            subgroup = _scoped(session, Subgroup, subgroup_id)
            if subgroup is None or subgroup.group_id != group.id:
                abort(404)
        person = _teacher_person()
        own = person is not None and _own_assignment(session, person, group.id, subject.id, subgroup_id)
        if person is not None and not own:
            abort(403)
        can_write = own and current_app.appbuilder.sm.level("LessonPlans") >= 2
        return group, subject, subgroup, can_write

    def _render_plan(self, session, group, subject, subgroup, can_write, errors=None, draft=None):
        plan = find_plan(session, group.year_id, group.id, subject.id, subgroup.id if subgroup else None)
        topics = session.scalars(select(PlanTopic).where(PlanTopic.plan_id == plan.id)
                                 .order_by(PlanTopic.position)).all() if plan else []
        org = session.get(Organisation, group.org_id)
        host = current_app.extensions["ejournal"]
        probe = plan or LessonPlan(year_id=group.year_id, group_id=group.id, subject_id=subject.id)
        r13 = r13_check(session, host, org, probe, group, planned=sum(t.hours for t in topics))
        lessons, links = [], {}
        if plan is not None:
            year = session.get(AcademicYear, group.year_id)
            lessons = session.scalars(plan_lessons_query(plan, year)).all()
            if lessons:
                links = {link.lesson_id: link for link in session.scalars(select(LessonTopicLink).where(
                    LessonTopicLink.lesson_id.in_([lesson.id for lesson in lessons])))}
        rows = draft if draft is not None else [
            dict(title=t.title, hours=str(t.hours), work_type=WORK_TYPES.get(t.work_type, "")) for t in topics]
        if can_write:
            rows = list(rows) + [dict(title="", hours="", work_type="")] * 5
        return self.render_template(
            "plans/plan.html", group=group, subject=subject, subgroup=subgroup, plan=plan, topics=topics,
            rows=rows, r13=r13, can_write=can_write, errors=errors or [], lessons=lessons, links=links,
            work_types=WORK_TYPES, title=self.title, total=sum(t.hours for t in topics))

    @expose("/plan")
    @has_access
    def plan(self):
        session = db.session
        group, subject, subgroup, can_write = self._unit(session, request.args)
        return self._render_plan(session, group, subject, subgroup, can_write)

    def _back(self, group, subject, subgroup):
        return redirect(url_for("LessonPlanView.plan", group=group.id, subject=subject.id,
                                subgroup=subgroup.id if subgroup else None))

    def _store(self, session, group, subject, subgroup, parse, draft=None):
        scope = current_scope()
        try:
            topics = parse()
            plan = replace_topics(session, group, subject.id, subgroup.id if subgroup else None, topics,
                                  scope.person_id if scope else None, clock.now())
            session.commit()
        except PlanImportError as exc:
            session.rollback()
            flash(exc.shown(), "danger")
            return self._render_plan(session, group, subject, subgroup, True, errors=exc.errors, draft=draft)
        except RuleError as exc:
            session.rollback()
            flash(exc.shown(), "danger")
            return self._render_plan(session, group, subject, subgroup, True, draft=draft)
        org = session.get(Organisation, group.org_id)
        result = r13_check(session, current_app.extensions["ejournal"], org, plan, group)
        flash(_("План сохранён: тем — %(n)s, часов — %(h)s.", n=len(topics), h=result.planned), "success")
        if not result.ok:
            flash(result.message, "warning")
        return self._back(group, subject, subgroup)

    @expose("/save", methods=["POST"])
    @has_access
    def save(self):
        session = db.session
        group, subject, subgroup, can_write = self._unit(session, request.form)
        if not can_write:
            abort(403)
        titles, hours, kinds = (request.form.getlist(k) for k in ("title", "hours", "work_type"))
        if len(titles) > 1000 or not (len(titles) == len(hours) == len(kinds)):
            abort(400)
        cells = [[str(i + 1), t, h, k] for i, (t, h, k) in enumerate(zip(titles, hours, kinds))]
        numbered = [(i + 1, c) for i, c in enumerate(cells) if any(x.strip() for x in c[1:])]
        draft = [dict(title=c[1], hours=c[2], work_type=c[3]) for _, c in numbered]
        return self._store(session, group, subject, subgroup, lambda: parse_rows(numbered, detect_header=False), draft=draft)

    @expose("/upload", methods=["POST"])
    @has_access
    def upload(self):
        session = db.session
        group, subject, subgroup, can_write = self._unit(session, request.form)
        if not can_write:
            abort(403)
        storage = request.files.get("file")
        if storage is None or not storage.filename:
            flash(_("Выберите файл CSV или XLSX."), "danger")
            return self._back(group, subject, subgroup)
        data = storage.stream.read(2 * 1024 * 1024 + 1)
        return self._store(session, group, subject, subgroup, lambda: parse_plan_file(storage.filename, data))

    @expose("/flow", methods=["POST"])
    @has_access
    def flow(self):
        session = db.session
        group, subject, subgroup, can_write = self._unit(session, request.form)
        if not can_write:
            abort(403)
        plan = find_plan(session, group.year_id, group.id, subject.id, subgroup.id if subgroup else None)
        if plan is None:
            abort(404)
        changed = flow_topics(session, plan)
        session.commit()
        flash(_("Темы разнесены по урокам: изменено уроков — %(n)s.", n=changed), "success")
        return self._back(group, subject, subgroup)
