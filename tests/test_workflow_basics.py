import pytest

from ppkl.workflow import IN_PROGRESS_STAGES, Stage, nik_matches, stage_for, stage_index


@pytest.mark.parametrize(
    ("nik", "ok"),
    [
        ("6501000000000001", True),
        ("650100000000001", False),  # 15 digits
        ("65010000000000012", False),  # 17 digits
        ("65010000000000O1", False),  # a letter O
        (" 6501000000000001", False),
        ("", False),
    ],
)
def test_nik_default_pattern_is_exactly_16_digits(nik, ok):
    assert nik_matches(nik, r"\d{16}") is ok


def test_nik_pattern_is_configurable():
    assert nik_matches("KOP-123", r"KOP-\d{3}")


def test_a_cooperative_with_a_nik_is_certified():
    assert stage_for("rat_held", "6501000000000001") is Stage.CERTIFIED
    assert stage_for("rat_held", None) is Stage.RAT_HELD
    assert stage_for(None, None) is Stage.NOT_STARTED


def test_stage_order_and_progress():
    assert [stage_index(s) for s in Stage] == [0, 1, 2, 3, 4]
    assert Stage.NOT_STARTED not in IN_PROGRESS_STAGES
    assert Stage.CERTIFIED not in IN_PROGRESS_STAGES
