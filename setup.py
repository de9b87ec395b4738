"""The build step of the wheel; everything else is declared in pyproject.toml.

The core's templates, translations and default settings stay at the top of the
checkout, where the app finds them when run from it (app/resources.py). A wheel
carries them inside the package ``app``: ``templates/`` as ``app/templates``,
``config.py`` as ``app/default_config.py``, and every catalogue, the core's
(``translations/``) and each plugin's (``plugins/<name>/translations/``),
compiled to ``.mo`` beside where the app looks for it. Compiled catalogues are
build products, never sources, so the build makes them rather than `make`.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def compile_catalogues(source: Path, target: Path) -> None:
    """``source/<locale>/LC_MESSAGES/<domain>.po`` → ``target/…/<domain>.mo``, translated messages only."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as infile:
            catalog = read_po(infile, locale=po.parent.parent.name)
        with mo.open("wb") as outfile:
            write_mo(outfile, catalog)  # fuzzy entries left out, as `pybabel compile` does


class BuildPy(build_py):
    def run(self):
        if self.editable_mode:  # an editable install reads them from the checkout
            super().run()
            return
        for name in ("templates", "translations", "config.py"):
            if not (HERE / name).exists():
                raise SystemExit(f"{HERE / name} is missing: the wheel would have no {name}")
        # `pip install .` builds in the checkout's build/: a module or template deleted
        # since the last build must not come back from there.
        shutil.rmtree(self.build_lib, ignore_errors=True)
        super().run()
        build = Path(self.build_lib)
        shutil.copytree(HERE / "templates", build / "app" / "templates")
        shutil.copyfile(HERE / "config.py", build / "app" / "default_config.py")
        compile_catalogues(HERE / "translations", build / "app" / "translations")
        for package in self.packages or ():
            folder = Path(*package.split("."))
            if (HERE / folder / "translations").is_dir():
                compile_catalogues(HERE / folder / "translations", build / folder / "translations")


setup(cmdclass={"build_py": BuildPy})
