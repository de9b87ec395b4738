from app import hookimpl
from app.registry import GroupKind

from . import name


@hookimpl
def register_group_kinds(host) -> list[GroupKind]:
    return [GroupKind("association", name, "Объединение", "Объединения", "Педагог дополнительного образования",
                      "Учащийся", "Учащиеся", levels=(1, 2, 3, 4), level_name="Год обучения",
                      lesson="Занятие", lessons="Занятия")]
