"""Solving keys: an item's network goes to the solver, and the author's key must agree with it.

The network part of an item is handed to gatebp.network.spec's own reader (with the item's
nodes, so spec errors keep their lines). A NAT answer must lie in the solver's key range; an
option claiming a value is right exactly when it is in the key, and a distractor must not be
so close to the truth that rounding could make it right. A solver failure is a problem of the
item, never an exception past the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, cast

import yaml

from gatebp.core.errors import GatebpError, SpecError
from gatebp.core.reader import key_of
from gatebp.gate.question import LABELS, Option, in_key_range
from gatebp.network.graph import Find, Graph
from gatebp.questions.bank.reader import Item, Stop, num

if TYPE_CHECKING:  # SymPy loads only when an item is solved, so a refused file is refused fast
    import sympy as sp

SPEC_KEYS = ("values", "nodes", "find", "input", "layers")


@dataclass
class Claim:
    """An option's claim that a quantity equals a number, as the author wrote it."""

    label: str
    value: Fraction
    places: int
    line: int
    find: Find | None = None


def read_spec(item: Item) -> Graph | None:
    """The item's network through gatebp.network.spec's reader, so its errors keep their lines."""
    from gatebp.network.spec import graph_from_node

    assert isinstance(item.node, yaml.MappingNode)
    pairs = [(k, v) for k, v in item.node.value if key_of(k) in SPEC_KEYS]
    if not pairs:
        return None
    spec = yaml.MappingNode("tag:yaml.org,2002:map", pairs, item.node.start_mark,
                            item.node.end_mark)
    try:
        return graph_from_node(spec, item.source)
    except SpecError as error:
        spec_problem(item, error)
        raise Stop from None


def spec_problem(item: Item, error: SpecError) -> None:
    where = f"{error.key}: " if error.key else ""
    item.problem(error.line or item.line, f"{where}{error.reason}")


def read_find(item: Item, node: yaml.Node, line: int, graph: Graph) -> Find | None:
    """An option's own `find`, read by the spec's reader against the item's network."""
    from gatebp.network.spec import find_from_node

    try:
        return find_from_node(node, line, graph, item.source)
    except SpecError as error:
        spec_problem(item, error)
        return None


def solve(item: Item, graph: Graph, find: Find, line: int,
          keep_steps: bool = False) -> sp.Expr | None:
    """The exact answer for `find`; with keep_steps the working becomes the question's."""
    from gatebp.network.solve import solve as solve_graph

    try:
        solution = solve_graph(graph, find)
    except GatebpError as error:
        if isinstance(error, SpecError):
            spec_problem(item, error)
        else:
            item.problem(line, str(error))
        return None
    except AssertionError as error:  # SolverMismatch: a solver bug, reported, never raised
        item.problem(line, f"the solver's cross-check failed: {error}")
        return None
    if keep_steps:
        item.steps = list(solution.steps)
    return solution.exact


def nat_exact(item: Item, graph: Graph | None, typed: tuple[Fraction, int] | None,
              places: int, line: int) -> sp.Expr | None:
    """The solver's exact answer (checked against the author's), or the author's number."""
    from gatebp.network.steps import equals
    from gatebp.questions.families.common import nat_answer

    if graph is None:
        import sympy as sp

        return None if typed is None else sp.Rational(typed[0].numerator, typed[0].denominator)
    if graph.find is None:
        item.problem(item.line,
                     "a NAT question with a network needs 'find' (the quantity asked for)")
        return None
    exact = solve(item, graph, graph.find, item.line, keep_steps=True)
    if exact is None or typed is None:
        return None
    lo, hi = cast("list[float]", nat_answer(exact, places)["range"])
    if not in_key_range(float(typed[0]), (lo, hi)):
        truth = f"{graph.find.describe()} {equals(exact, places + 2)}"
        item.problem(line, f"answer {num(typed[0])} disagrees with the solver: {truth} "
                           f"(key {lo:.{places}f} to {hi:.{places}f})")
    return exact


def check_options(item: Item, options: list[Option], correct: list[int], claims: list[Claim],
                  graph: Graph | None) -> None:
    """A claimed value is right exactly when its option is in the key: a key option must round
    to its claim as written; a distractor must be wrong at the finest precision any option
    shows."""
    for index, option in enumerate(options):
        if index in correct and option.mistake:
            item.warn(item.line, f"option {option.label} is in the key but names a mistake")
        if index not in correct and not option.mistake:
            item.warn(item.line, f"option {option.label} is a distractor without a 'mistake'")
    finest = max((c.places for c in claims), default=0)
    checked = sum(_check_claimed(item, claim, correct, graph, finest) for claim in claims)
    if graph is not None and graph.find is not None and not checked:
        item.warn(item.line,
                  "the question has 'find' but no option claims a 'value', so the key is "
                  "not checked")


def _check_claimed(item: Item, claim: Claim, correct: list[int], graph: Graph | None,
                   finest: int) -> bool:
    """Solve what one claim is about and check it; False when nothing could be checked."""
    in_key = LABELS.index(claim.label) in correct
    if not in_key:
        claim.places = finest  # a distractor must be wrong at the options' finest precision
    find = claim.find or (graph.find if graph is not None else None)
    if graph is None or find is None:
        item.problem(claim.line, f"option {claim.label} claims a value but nothing says what "
                                 "it is (add 'find' to the question or the option)")
        return False
    exact = solve(item, graph, find, claim.line)
    if exact is None:
        return False
    check_claim(item, claim, in_key, find, exact)
    return True


def check_claim(item: Item, claim: Claim, in_key: bool, find: Find, exact: sp.Expr) -> None:
    """A key option must round to the truth; a distractor must be clearly wrong."""
    from gatebp.core.values import as_float
    from gatebp.network.steps import equals

    unit = 10.0 ** -claim.places
    distance = abs(float(claim.value) - as_float(exact))
    truth = f"{find.describe()} {equals(exact, claim.places + 2)}"
    if in_key and distance > unit / 2 + 1e-12:
        item.problem(claim.line, f"option {claim.label} is in the key but claims "
                                 f"{num(claim.value)}, and {truth}")
    elif not in_key and distance <= unit / 2 + 1e-12:
        item.problem(claim.line, f"option {claim.label} claims {num(claim.value)}, which is "
                                 f"right ({truth}), but it is not in the key")
    elif not in_key and distance < 1.5 * unit and not terminates(exact, claim.places):
        item.problem(claim.line, f"option {claim.label} ({num(claim.value)}) is too close to "
                                 f"the true value to be a clear distractor ({truth})")


def terminates(exact: sp.Expr, places: int) -> bool:
    """True when `exact` is written exactly with `places` decimals (any other value is wrong)."""
    return bool(exact.is_Rational and (exact * 10**places).is_Integer)
