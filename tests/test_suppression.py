"""offices/suppression.py: every cell under 5 hidden, and no hidden cell can be worked out from the totals."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offices.suppression import (
    COMPLEMENTARY,
    PRIMARY,
    VISIBLE,
    determined,
    grid_constraints,
    grid_values,
    suppress,
)

pytestmark = pytest.mark.no_demo


def rank(matrix):
    """Rank by plain Gaussian elimination over the rationals (an oracle independent of determined())."""
    rows = [[Fraction(v) for v in row] for row in matrix if any(row)]
    rank = 0
    columns = len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(rank + 1, len(rows)):
            factor = rows[r][column] / rows[rank][column]
            rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def recoverable(key, hidden, constraints):
    """A hidden entry's value is forced iff dropping its column lowers the rank of the hidden part."""
    hidden = list(hidden)
    matrix = []
    for parts, total in constraints:
        matrix.append([parts.count(h) - (1 if h == total else 0) for h in hidden])
    without = [[v for h, v in zip(hidden, row, strict=True) if h != key] for row in matrix]
    return rank(matrix) != rank(without) if hidden else False


def test_nothing_small_nothing_hidden():
    rows, columns = ["a", "b"], ["m1", "m2"]
    values = grid_values({("a", "m1"): 10, ("a", "m2"): 7, ("b", "m1"): 5, ("b", "m2"): 30}, rows, columns)
    assert set(suppress(values, grid_constraints(rows, columns)).values()) == {VISIBLE}


def test_a_class_of_four_is_hidden_and_so_is_a_second_cell_in_its_row_and_column():
    rows, columns = ["school A", "school B", "school C"], ["module 1", "module 2"]
    cells = {
        ("school A", "module 1"): 4,
        ("school A", "module 2"): 20,
        ("school B", "module 1"): 25,
        ("school B", "module 2"): 22,
        ("school C", "module 1"): 30,
        ("school C", "module 2"): 26,
    }
    values = grid_values(cells, rows, columns)
    status = suppress(values, grid_constraints(rows, columns))
    assert status[("school A", "module 1")] == PRIMARY
    hidden = {key for key, state in status.items() if state != VISIBLE}
    # Its row and its column each hold another hidden entry, and those make a rectangle.
    assert any(key[0] == "school A" and key != ("school A", "module 1") for key in hidden)
    assert any(key[1] == "module 1" and key != ("school A", "module 1") for key in hidden)
    assert len(hidden) == 4 and all(status[key] == COMPLEMENTARY for key in hidden - {("school A", "module 1")})
    # The totals stay visible: the cheapest cells are hidden, not the region's totals.
    assert status[("total", "total")] == VISIBLE
    assert not determined(hidden, grid_constraints(rows, columns))


def test_one_row_only_its_total_can_protect_it():
    # One school only: the cell's sole partner in the column is the column total.
    rows, columns = ["only"], ["m1", "m2"]
    values = grid_values({("only", "m1"): 3, ("only", "m2"): 40}, rows, columns)
    constraints = grid_constraints(rows, columns)
    status = suppress(values, constraints)
    hidden = {k for k, s in status.items() if s != VISIBLE}
    assert ("only", "m1") in hidden
    assert not determined(hidden, constraints)


def test_a_hierarchy_schools_within_levels_within_the_region():
    values = {"s1": 4, "s2": 30, "s3": 12, "middle": 46, "u1": 40, "university": 40, "region": 86}
    constraints = [(["s1", "s2", "s3"], "middle"), (["u1"], "university"), (["middle", "university"], "region")]
    status = suppress(values, constraints)
    assert status["s1"] == PRIMARY and status["s3"] == COMPLEMENTARY  # the smaller partner, not the total
    assert status["middle"] == VISIBLE == status["region"]


def test_a_lone_small_school_in_its_level_hides_the_level_and_another_level():
    values = {"s1": 3, "middle": 3, "h1": 20, "h2": 9, "high": 29, "region": 32}
    constraints = [(["s1"], "middle"), (["h1", "h2"], "high"), (["middle", "high"], "region")]
    status = suppress(values, constraints)
    hidden = {k for k, s in status.items() if s != VISIBLE}
    assert {"s1", "middle"} <= hidden  # the level total of one small school is small too
    assert not determined(hidden, constraints)
    assert status["region"] == VISIBLE


def test_determined_sees_through_combinations_of_rows_and_columns():
    # Hiding a and b in one row and a in a column with its only other cell visible: a = col total - c.
    constraints = [(["a", "b"], "r"), (["a", "c"], "k")]
    assert determined(["a", "b"], constraints) == {"a", "b"}
    assert determined(["a", "b", "c"], constraints) == set()


grids = st.integers(1, 4).flatmap(
    lambda n_rows: st.integers(1, 4).flatmap(
        lambda n_cols: st.lists(
            st.one_of(st.integers(0, 4), st.integers(5, 60)), min_size=n_rows * n_cols, max_size=n_rows * n_cols
        ).map(lambda flat: (n_rows, n_cols, flat))
    )
)


@settings(max_examples=300, deadline=None)
@given(grids)
def test_no_hidden_cell_can_be_worked_out_from_what_is_shown(grid):
    n_rows, n_cols, flat = grid
    rows, columns = [f"r{i}" for i in range(n_rows)], [f"c{j}" for j in range(n_cols)]
    cells = {(r, c): flat[i * n_cols + j] for i, r in enumerate(rows) for j, c in enumerate(columns)}
    values = grid_values(cells, rows, columns)
    constraints = grid_constraints(rows, columns)
    status = suppress(values, constraints)
    hidden = [key for key, state in status.items() if state != VISIBLE]
    # 1. Every entry of 1–4 students is hidden as "< 5", and nothing else is called primary.
    for key, value in values.items():
        assert (status[key] == PRIMARY) == (0 < value < 5), (key, value, status[key])
    # 2. The rule: no hidden entry equals its row's or column's total minus the visible entries.
    for parts, total in constraints:
        line = [*parts, total]
        assert sum(1 for key in line if status[key] != VISIBLE) != 1, (line, status)
    # 3. Nor from any combination of rows and columns (an independent rank computation).
    for key in hidden:
        assert not recoverable(key, hidden, constraints), (key, hidden)
    # 4. A visible entry is never hidden without a reason: with nothing small, nothing is hidden.
    if not any(0 < value < 5 for value in values.values()):
        assert hidden == []


@settings(max_examples=100, deadline=None)
@given(grids)
def test_suppression_is_deterministic(grid):
    n_rows, n_cols, flat = grid
    rows, columns = [f"r{i}" for i in range(n_rows)], [f"c{j}" for j in range(n_cols)]
    cells = {(r, c): flat[i * n_cols + j] for i, r in enumerate(rows) for j, c in enumerate(columns)}
    values = grid_values(cells, rows, columns)
    assert suppress(values, grid_constraints(rows, columns)) == suppress(dict(values), grid_constraints(rows, columns))
