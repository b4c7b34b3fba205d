"""casework.collector.settle: what a service process does to the garbage collector once loaded."""

import gc

import pytest

from casework import collector


@pytest.fixture
def restored():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_settle_freezes_what_is_alive_and_collects_the_young_less_often(restored):
    kept = [object() for _ in range(10)]  # noqa: F841 (alive while settling)
    gc.unfreeze()
    collector.settle()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD


def test_the_young_threshold_can_be_set_from_the_environment(restored, monkeypatch):
    monkeypatch.setenv("CASEWORK_GC_YOUNG", "2500")
    collector.settle()
    assert gc.get_threshold()[0] == 2500
