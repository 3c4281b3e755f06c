"""Small-cell suppression for tables published to an education office (issue 19 point 5). Pure functions.

A table entry that counts fewer than THRESHOLD students (1–4) is *primary* suppressed: shown as "< 5".
That is not enough when totals are shown too: if a row's total and all its other cells are visible, the
hidden cell is the total minus the rest. So other entries are *complementary* suppressed until no hidden
entry can be worked out from what is shown.

The table is described as numbers and additive relations between them:
- values: {key: count} for every entry shown (cells, subtotals, totals);
- constraints: [(parts, total)]: "the parts add up to the total" (a row, a column, a school level's schools
  adding up to the level, the levels adding up to the region…).

"Cannot be worked out" is checked exactly, with rational arithmetic: the visible entries are known numbers,
the hidden ones unknowns, each constraint a linear equation. A hidden entry is determined when the equations
force its value, i.e. when its unit vector lies in the row space of the equations restricted to the hidden
entries (in reduced row echelon form: some row is exactly that unit vector). Every hidden entry is left
undetermined. This covers the simple case the issue names (one hidden cell in a row or column: total minus
the visible cells) and combinations of rows and columns too.

Which entry to hide next (fewest counts lost): a cell before a total, a cell with students before an empty one
(an empty cell may be known to be empty), then the smallest.
"""

from fractions import Fraction

THRESHOLD = 5
VISIBLE = "visible"
PRIMARY = "primary"  # fewer than THRESHOLD students: shown as "< 5"
COMPLEMENTARY = "complementary"  # hidden so that a primary entry cannot be worked out from the totals


def is_small(value, threshold=THRESHOLD):
    return 0 < value < threshold


def _equations(constraints):
    """Each constraint as {key: coefficient}: the parts +1, the total −1 (their sum is zero)."""
    equations = []
    for parts, total in constraints:
        row = {}
        for key in parts:
            row[key] = row.get(key, 0) + 1
        row[total] = row.get(total, 0) - 1
        equations.append({key: Fraction(c) for key, c in row.items() if c})
    return equations


def determined(hidden, constraints):
    """The hidden keys whose value the constraints force, given every other entry's value."""
    hidden = list(dict.fromkeys(hidden))
    if not hidden:
        return set()
    index = {key: position for position, key in enumerate(hidden)}
    rows = []
    for equation in _equations(constraints):
        row = [Fraction(0)] * len(hidden)
        for key, coefficient in equation.items():
            if key in index:
                row[index[key]] = coefficient
        if any(row):
            rows.append(row)
    # Reduced row echelon form.
    pivot_row = 0
    pivots = []
    for column in range(len(hidden)):
        chosen = next((r for r in range(pivot_row, len(rows)) if rows[r][column] != 0), None)
        if chosen is None:
            continue
        rows[pivot_row], rows[chosen] = rows[chosen], rows[pivot_row]
        lead = rows[pivot_row][column]
        rows[pivot_row] = [value / lead for value in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][column] != 0:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivots.append((pivot_row, column))
        pivot_row += 1
        if pivot_row == len(rows):
            break
    forced = set()
    for r, column in pivots:
        if sum(1 for value in rows[r] if value != 0) == 1:
            forced.add(hidden[column])
    return forced


def suppress(values, constraints, threshold=THRESHOLD):
    """{key: VISIBLE | PRIMARY | COMPLEMENTARY} for every key of `values`.

    Every entry with 1…threshold−1 is PRIMARY; COMPLEMENTARY entries are added, one at a time, until no
    hidden entry is determined by the constraints and the visible values. (A greedy choice: few entries
    are hidden, not provably the fewest; what is proven, and tested, is that none can be worked out.)
    """
    status = {key: PRIMARY if is_small(value, threshold) else VISIBLE for key, value in values.items()}
    totals = {total for _parts, total in constraints}
    members = {}
    for number, (parts, total) in enumerate(constraints):
        for key in [*parts, total]:
            members.setdefault(key, []).append(number)

    def cost(key):
        return (key in totals, values[key] == 0, values[key], str(key))

    while True:
        hidden = [key for key, state in status.items() if state != VISIBLE]
        forced = determined(hidden, constraints)
        if not forced:
            return status
        # First the simple case: a line with one hidden entry (its total minus the visible rest). Hide the
        # cheapest visible entry of that very line.
        lonely = next(
            (
                [*parts, total]
                for parts, total in constraints
                if sum(1 for key in [*parts, total] if status.get(key) != VISIBLE) == 1
            ),
            None,
        )
        if lonely is not None:
            candidates = {key for key in lonely if status.get(key) == VISIBLE}
        else:
            # A combination of lines pins an entry down: hide a neighbour of the first such entry.
            target = next(key for key in values if key in forced)
            candidates = {
                key
                for number in members.get(target, [])
                for key in [*constraints[number][0], constraints[number][1]]
                if status.get(key) == VISIBLE
            }
        if not candidates:
            # Every neighbour is hidden already; hide the cheapest visible entry tied to any hidden one.
            candidates = {
                key
                for hidden_key in hidden
                for number in members.get(hidden_key, [])
                for key in [*constraints[number][0], constraints[number][1]]
                if status.get(key) == VISIBLE
            }
            if not candidates:
                return status
        status[min(candidates, key=cost)] = COMPLEMENTARY


def grid_constraints(rows, columns, row_total="total", column_total="total"):
    """Constraints of a plain table with row totals, column totals and a grand total.

    Keys: (row, column) for cells, (row, column_total) for row totals, (row_total, column) for column totals,
    (row_total, column_total) for the grand total.
    """
    constraints = [([(r, c) for c in columns], (r, column_total)) for r in rows]
    constraints += [([(r, c) for r in rows], (row_total, c)) for c in columns]
    constraints.append(([(r, column_total) for r in rows], (row_total, column_total)))
    constraints.append(([(row_total, c) for c in columns], (row_total, column_total)))
    return constraints


def grid_values(cells, rows, columns, row_total="total", column_total="total"):
    """values for grid_constraints: the cells plus every total computed from them."""
    values = {(r, c): cells.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        values[(r, column_total)] = sum(values[(r, c)] for c in columns)
    for c in columns:
        values[(row_total, c)] = sum(values[(r, c)] for r in rows)
    values[(row_total, column_total)] = sum(values[(r, column_total)] for r in rows)
    return values
