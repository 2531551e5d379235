"""The one build step pyproject.toml cannot declare (metadata and dependencies live there).

The wheel carries what the app needs at run time and the repository keeps elsewhere:
templates/ and migrations/ (at the top of the repository) become ppkl/templates and
ppkl/migrations, and the Indonesian and English catalogs are compiled from their .po files
(compiled catalogs are build products, never committed). The app factory looks inside the
package first (ppkl.bundled). An editable install (make setup) copies nothing: the app reads
the checkout, and make compiles the catalogs in place.
"""

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

TOP = Path(__file__).resolve().parent
BUNDLED = ("templates", "migrations")
CATALOGS = Path("ppkl", "translations")


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Every <locale>/LC_MESSAGES/*.po under source as a .mo under target; fuzzy entries are
    used, as make's pybabel compile --use-fuzzy does."""
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=True)
        written.append(mo)
    if not written:
        raise RuntimeError(f"no message catalogs under {source}")
    return written


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        package = Path(self.build_lib, "ppkl")
        for name in BUNDLED:
            shutil.copytree(
                TOP / name,
                package / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"),
                dirs_exist_ok=True,
            )
        compile_catalogs(TOP / CATALOGS, Path(self.build_lib) / CATALOGS)


setup(cmdclass={"build_py": BuildWithResources})
