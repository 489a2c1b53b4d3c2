"""The escalation table: only a stronger stage on NEW evidence escalates."""
import pytest

from consumers.alerting.escalation import RANK, escalation, stage_of


@pytest.mark.parametrize("action,status,evidence,lemma,stage", [
    ("arrest", "reported", "Kem Sokha was arrested on Sunday.", None, "arrested"),
    ("detain", "reported", "Police detained Kem Sokha.", None, "arrested"),
    ("charge", "reported", "A court charged him on Tuesday.", None, "charged"),
    ("detain", "reported", "Police detained Kem Sokha and a court charged him on Tuesday.", None, "charged"),
    ("arrest", "reported", "Kem Sokha was arrested on Sept. 3 and charged with treason.", None,
     "charged with treason"),
    ("jail", "reported", "A court sentenced Kem Sokha to 27 years in prison for treason.", "sentence", "sentenced"),
    ("jail", "reported", "He was jailed on Monday.", None, "arrested"),
    ("arrest", "released", "He was released.", None, "released"),
    ("arrest", "reported", "Kem Sokha, arrested last week, was freed on bail on Monday.", None, "released"),
    # Only a call for release is not a release.
    ("arrest", "reported", "Western countries condemned the arrest and called for his release.", None, "arrested"),
    ("arrest", "reported", "He was arrested; the treason talk was dismissed.", None, "arrested"),
])
def test_stage_of(action, status, evidence, lemma, stage):
    assert stage_of(action, status, evidence, lemma).name == stage


def test_ranks_are_ordered():
    assert RANK["arrested"] < RANK["charged"] < RANK["charged with treason"] < RANK["sentenced"] < RANK["released"]


def test_escalates_only_to_a_stronger_stage():
    arrested, charged = stage_of("arrest", "reported", "arrested"), stage_of("charge", "reported", "charged")
    treason = stage_of("charge", "reported", "charged with treason")
    assert escalation(RANK["charged"], 0, [("i1", arrested), ("i2", charged)]) is None
    change = escalation(RANK["arrested"], 0, [("i1", charged), ("i2", treason), ("i3", arrested)])
    assert change.level == 1 and change.new.name == "charged with treason" and change.item_id == "i2"
    assert change.reason.startswith("arrested \u2192 charged with treason")
    assert escalation(RANK["sentenced"], 2, [("i4", stage_of("arrest", "released", ""))]).level == 3
    assert escalation(RANK["arrested"], 0, []) is None
