"""Curriculum (учебный план), the load check «Нагрузка и учебный план», subject and
class-name rules (R8), and lesson plans (КТП) with import and the flow of topics
into lessons (R13)."""
