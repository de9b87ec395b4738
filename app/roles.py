"""The names of the roles the core declares. Plugins declare their own (a college's
«Куратор», a kindergarten's «Воспитатель»); the levels of a right are in
``app.registry`` (``NONE``, ``READ``, ``WRITE``)."""
from __future__ import annotations

SYSTEM_ADMIN = "Admin"  # FAB's administrator of the whole installation
AUTHORITY_OFFICER = "Сотрудник УО"
ADMINISTRATOR = "Администратор"
DIRECTOR = "Директор"
DEPUTY = "Завуч"
TEACHER = "Учитель"
CLASS_TEACHER = "Классный руководитель"
SECRETARY = "Секретарь"
HR = "Специалист по кадрам"
PSYCHOLOGIST = "Психолог / социальный педагог"
MEDIC = "Медицинский работник"
TECHNICIAN = "Технический персонал"
LEARNER = "Обучающийся"
PARENT = "Родитель"
