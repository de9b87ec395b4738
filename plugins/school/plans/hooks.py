"""What the plans part gives the school plugin's hooks (plugins/school/__init__.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registry import SCOPE_AUTHORITY, SCOPE_GROUPS, SCOPE_ORGANISATION, Resource, RoleSpec, RuleSetting

PLUGIN = "school"


def models():
    from .models import CurriculumEntry, LessonPlan, LessonTopicLink, PlanTopic

    return [CurriculumEntry, LessonPlan, PlanTopic, LessonTopicLink]


def resources():
    return [Resource("Curriculum", "Учебный план", PLUGIN),
            Resource("CurriculumLoad", "Нагрузка и учебный план", PLUGIN),
            Resource("LessonPlans", "Календарно-тематическое планирование (КТП)", PLUGIN)]


def roles():
    # Seed 002: the Завуч «составляет и корректирует учебный план»; seeds 000, 001, 004:
    # the teacher creates the КТП of his classes, the administration reads it.
    return [
        RoleSpec("Администратор", SCOPE_ORGANISATION, {"Curriculum": "write", "CurriculumLoad": "read",
                                                         "LessonPlans": "read"}),
        RoleSpec("Завуч", SCOPE_ORGANISATION, {"Curriculum": "write", "CurriculumLoad": "read", "LessonPlans": "read"}),
        RoleSpec("Директор", SCOPE_ORGANISATION, {"Curriculum": "read", "CurriculumLoad": "read",
                                                  "LessonPlans": "read"}),
        RoleSpec("Учитель", SCOPE_GROUPS, {"LessonPlans": "write"}),
        RoleSpec("Сотрудник УО", SCOPE_AUTHORITY, {"Curriculum": "read"}),
    ]


def rule_defaults():
    from .services import default_study_weeks

    return [RuleSetting("study_weeks", PLUGIN, "Учебных недель в году по параллелям (для сверки КТП)", "R13",
                        default_study_weeks())]


def add_views(appbuilder):
    from app.views.catalog import CATEGORIES

    from .reflow import init_reflow
    from .rules import init_rules
    from .views import CurriculumView, LessonPlanView, LoadCheckView

    init_rules()
    init_reflow()
    label, icon = CATEGORIES["Organisation"]
    appbuilder.add_view(CurriculumView, "Curriculum", label=_l("Учебный план"), category="Organisation",
                        category_label=label, category_icon=icon)
    appbuilder.add_view(LoadCheckView, "CurriculumLoad", label=_l("Нагрузка и учебный план"),
                        category="Organisation", href="/school/load/")
    journal_label, journal_icon = CATEGORIES["Journal"]
    appbuilder.add_view(LessonPlanView, "LessonPlans", label=_l("КТП (тематическое планирование)"),
                        category="Journal", category_label=journal_label, category_icon=journal_icon,
                        href="/school/plans/")


def copy_curriculum(session, old_year, new_year) -> int:
    """The next year starts with this year's curriculum, for the Завуч to review
    (КТП are not copied: a plan belongs to its class and year, and teachers
    import the new ones)."""
    from sqlalchemy import select

    from .models import CurriculumEntry

    rows = session.scalars(select(CurriculumEntry).where(CurriculumEntry.year_id == old_year.id)).all()
    session.add_all([CurriculumEntry(org_id=r.org_id, year_id=new_year.id, level=r.level, subject_id=r.subject_id,
                                     hours_per_week=r.hours_per_week) for r in rows])
    return len(rows)
