"""Build ppkl's wheel, install it into a fresh venv outside the checkout, and check that the
installed app works there: `flask db upgrade` into the default database (a SQLite file in the
venv's instance folder), then `flask db upgrade` and `flask seed-demo` on a SQLite database
named by DATABASE_URL, and the sign-in page and, signed in as the demo admin, the dashboard,
both in Indonesian.

    .venv/bin/python tools/check_wheel.py [--keep]

The wheel is built from the source distribution (`python -m build` does both), as an index
would build it, so a file missing from either fails here. Run by .ci/run before the suites.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent

# Run by the fresh venv's interpreter, in a directory outside the checkout.
IN_THE_VENV = r"""
import re
import sys
from pathlib import Path

import ppkl

checkout = Path(sys.argv[1])
module = Path(ppkl.__file__).resolve()
assert checkout not in module.parents, f"ppkl was imported from the checkout: {module}"
assert ppkl.installed(), f"no templates/ inside the installed package {module.parent}"

app = ppkl.create_app()
venv = Path(sys.prefix).resolve()
assert venv in Path(app.instance_path).resolve().parents, f"instance at {app.instance_path}"
client = app.test_client()
page = client.get("/login")
text = page.get_data(as_text=True)
assert page.status_code == 200, f"/login answered {page.status_code}"
assert ">Masuk</h1>" in text, "the sign-in page is not in Indonesian"

token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text).group(1)
form = {"csrf_token": token, "username": "admin", "password": "ppkl-demo"}
signed_in = client.post("/login", data=form)
assert signed_in.status_code == 302, f"signing in answered {signed_in.status_code}"
dashboard = client.get("/dashboard").get_data(as_text=True)
assert "Capaian Koperasi Provinsi Kalimantan Utara" in dashboard, "no Indonesian dashboard"
print(f"installed ppkl at {module.parent}: sign-in page and dashboard in Indonesian")
"""

# Settings of the calling shell that would point the installed app elsewhere.
LEAKY = ("PYTHONPATH", "VIRTUAL_ENV", "FLASK_APP", "DATABASE_URL", "REDIS_URL", "SECRET_KEY")


class CheckFailed(Exception):
    pass


def run(*command, **kwargs) -> None:
    shown = " ".join("<the check above>" if p == IN_THE_VENV else str(p) for p in command)
    print("+", shown, flush=True)
    if subprocess.run(command, **kwargs).returncode != 0:
        raise CheckFailed(shown)


def check(work: Path) -> None:
    dist = work / "dist"
    run(sys.executable, "-m", "build", "--outdir", dist, CHECKOUT, cwd=CHECKOUT)
    (wheel,) = dist.glob("ppkl-*.whl")

    target = work / "venv"
    venv.create(target, with_pip=True)
    run(target / "bin" / "pip", "install", "--quiet", wheel)

    plain = {k: v for k, v in os.environ.items() if k not in LEAKY and not k.startswith("PPKL_")}
    plain.update(SECRET_KEY="check-wheel-only")
    flask = (target / "bin" / "flask", "--app", "ppkl")
    # Unconfigured, the database is a SQLite file in the instance folder inside the venv.
    run(*flask, "db", "upgrade", cwd=work, env=plain)
    if not (target / "var" / "ppkl-instance" / "ppkl.sqlite").is_file():
        raise CheckFailed("no ppkl.sqlite in the venv's var/ppkl-instance")

    env = {**plain, "DATABASE_URL": f"sqlite:///{work / 'ppkl.sqlite'}"}
    run(*flask, "db", "upgrade", cwd=work, env=env)
    run(*flask, "seed-demo", cwd=work, env=env)
    run(target / "bin" / "python", "-c", IN_THE_VENV, CHECKOUT, cwd=work, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="ppkl-wheel-"))
    try:
        check(work)
    except CheckFailed as error:
        print(f"check_wheel: FAILED at: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"check_wheel: passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
