"""bulk_gc: relaxed thresholds inside, the caller's settings back afterwards, whatever happens."""

from __future__ import annotations

import gc

import pytest

from callqa.core.gc_tuning import BULK_THRESHOLDS, bulk_gc


def test_thresholds_relaxed_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    with bulk_gc():
        assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.get_freeze_count() > frozen_before
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen_before


def test_nested_blocks_restore_only_when_the_outer_one_ends() -> None:
    before = gc.get_threshold()
    with bulk_gc():
        with bulk_gc():
            assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.get_threshold() == BULK_THRESHOLDS
    assert gc.get_threshold() == before


def test_an_exception_inside_still_restores() -> None:
    before, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    with pytest.raises(RuntimeError), bulk_gc():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen_before


def test_cycles_made_inside_are_still_collected() -> None:
    class Node:
        other: object = None

    with bulk_gc():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2
