"""flask --app ppkl report officer|recap|officers."""

import zipfile

from ppkl.clock import office_today
from tests.reports.conftest import pdf_text


def test_report_officer_writes_the_pdf(world, runner, tmp_path):
    out = tmp_path / "ppkl01.pdf"
    args = ["report", "officer", "ppkl01", "--from", "2019-06-01", "--to", "2019-06-30"]
    result = runner.invoke(args=[*args, "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "LAPORAN KEMAJUAN PETUGAS" in text and "Andi Saputra" in text
    again = runner.invoke(args=[*args, "--output", str(out)])
    assert "from cache" in again.output
    english = runner.invoke(args=[*args, "--output", str(out), "--lang", "en"])
    assert english.exit_code == 0 and "OFFICER PROGRESS REPORT" in pdf_text(out.read_bytes())


def test_report_officer_refuses_bad_input(world, runner, tmp_path):
    out = str(tmp_path / "x.pdf")
    unknown = runner.invoke(
        args=["report", "officer", "nobody", "--from", "2019-06-01", "--to", "2019-06-30"]
        + ["--output", out]
    )
    assert unknown.exit_code != 0 and "nobody" in unknown.output
    too_long = runner.invoke(
        args=["report", "officer", "ppkl01", "--from", "2017-01-01", "--to", "2019-06-30"]
        + ["--output", out]
    )
    assert too_long.exit_code != 0 and "paling lama 366 hari" in too_long.output
    bad_date = runner.invoke(
        args=["report", "officer", "ppkl01", "--from", "June", "--to", "2019-06-30"]
        + ["--output", out]
    )
    assert bad_date.exit_code != 0 and "YYYY-MM-DD" in bad_date.output
    assert not (tmp_path / "x.pdf").exists()


def test_report_recap_writes_the_pdf(app, make_regency, runner, tmp_path):
    make_regency("Tarakan")
    out = tmp_path / "recap.pdf"
    as_of = office_today().isoformat()
    result = runner.invoke(args=["report", "recap", "--as-of", as_of, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "Tarakan 0 0 0 0 0 0,00" in pdf_text(out.read_bytes())


def test_report_officers_zip_one_pdf_per_officer(world, runner, tmp_path, make_regency, make_user):
    tarakan = make_regency("Tarakan")
    make_user("dak09", role="dak", regency=tarakan)
    out = tmp_path / "all.zip"
    args = ["report", "officers", "--from", "2019-06-01", "--to", "2019-06-30"]
    result = runner.invoke(args=[*args, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(zipfile.ZipFile(out).namelist()) == ["dak09.pdf", "ppkl01.pdf", "ppkl02.pdf"]
    result = runner.invoke(args=[*args, "--regency", "Tarakan", "--output", str(out)])
    assert zipfile.ZipFile(out).namelist() == ["dak09.pdf"]
    unknown = runner.invoke(args=[*args, "--regency", "Atlantis", "--output", str(out)])
    assert unknown.exit_code != 0 and "Atlantis" in unknown.output


def test_report_officers_lists_failures_and_fails(world, app, runner, tmp_path):
    app.config["REPORT_MAX_ROWS"] = 2
    out = tmp_path / "all.zip"
    args = ["report", "officers", "--from", "2019-06-01", "--to", "2019-06-30"]
    result = runner.invoke(args=[*args, "--output", str(out)])
    assert result.exit_code == 1
    assert "ppkl01" in result.output
    names = sorted(zipfile.ZipFile(out).namelist())
    assert names == ["FAILED.txt", "ppkl02.pdf"]
