from app import hookimpl
from app.registry import MarkScale, MarkValue

from . import name


@hookimpl
def register_mark_scales(host) -> list[MarkScale]:
    # No worth: «зачёт» counts in no average.
    return [MarkScale("extra_pass_fail", name, "Зачёт / незачёт",
                      [MarkValue("зч", "зачёт", None), MarkValue("нз", "незачёт", None, is_failing=True)])]
