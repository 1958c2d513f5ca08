from hypothesis import given
from hypothesis import strategies as st

from fenji.core.kernel.paths import (
    SUBTREE_END,
    ancestor_paths,
    decode_segment,
    depth_of,
    encode_segment,
    is_within,
    outermost,
    parent_path,
)


@given(st.integers(min_value=0, max_value=36**4 - 1))
def test_segments_round_trip_and_keep_numeric_order(number):
    segment = encode_segment(number)
    assert len(segment) == 4
    assert decode_segment(segment) == number
    if number:
        assert encode_segment(number - 1) < segment


def test_ancestors_parent_and_depth():
    path = "000100020003"
    assert depth_of(path) == 3
    assert parent_path(path) == "00010002"
    assert ancestor_paths(path) == ["0001", "00010002"]


def test_subtree_bound_sorts_after_every_descendant():
    root = "0001"
    assert is_within("0001ZZZZ", root) and not is_within("0002", root)
    assert "0001ZZZZZZZZ" < root + SUBTREE_END < "0002"


@given(st.lists(st.lists(st.integers(1, 3), min_size=1, max_size=3), max_size=8))
def test_outermost_keeps_each_subtree_once_under_its_highest_root(numbers):
    paths = ["".join(encode_segment(n) for n in chain) for chain in numbers]
    kept = outermost(paths)
    assert len(set(kept)) == len(kept) and set(kept) <= set(paths)
    for path in paths:  # every path lies under exactly one kept root
        assert sum(path.startswith(root) for root in kept) == 1
    assert [p for p in dict.fromkeys(paths) if p in kept] == kept  # first order kept
