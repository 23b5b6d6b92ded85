"""Named misconceptions, each a variant of the backward pass computed from a Solution.

A distractor is the value a student gets by one slip; its phrase completes "you ..." so that
practice can say what went wrong ("you ignored the ReLU gate on h"). Which activation invites
which slip, and its words, are the registry's (gatebp.core.activations); the computing is here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from gatebp.core.activations import GATE_FLIPPED, GATE_IGNORED, PRIME_AT_OUTPUT, with_slip
from gatebp.core.functions import SYMPY_OPS, prime_at
from gatebp.core.maths import render_name
from gatebp.core.step import Step
from gatebp.core.values import as_float, numeric
from gatebp.network.steps import Edge, Path, Solution


@dataclass(frozen=True)
class Slip:
    """A wrong value and the mistake that produces it."""

    value: sp.Expr
    mistake: str

    @cached_property
    def number(self) -> float:
        return as_float(self.value)


def swap_factors(solution: Solution, change: Callable[[Edge], sp.Expr | None]) -> sp.Expr:
    """The path sum after replacing the factor of every edge for which `change` gives a value.

    Most slips are "the right paths, one wrong local derivative", so families build theirs with this.
    """
    edges = {(e.node, e.parent): e for e in solution.edges}
    total = sp.S.Zero
    for path in solution.paths:
        factors = []
        for i in range(len(path.names) - 1):
            edge = edges[(path.names[i], path.names[i + 1])]
            replaced = change(edge)
            factors.append(edge.value if replaced is None else replaced)
        total += sp.Mul(*factors)
    return total


def _edges_of(solution: Solution, activation: str) -> list[Edge]:
    return [e for e in solution.edges if e.activation == activation]


def ignored_gate(solution: Solution) -> list[Slip]:
    """Treat every closed gate as open (multiply by 1 instead of 0), per gated activation."""
    slips = []
    for record, rule in with_slip(GATE_IGNORED):
        closed = [e for e in _edges_of(solution, record.name) if e.value == 0]
        if closed:
            value = swap_factors(solution, _opened(closed))
            slips.append(Slip(value, rule.mistake.format(where=_names(e.node for e in closed))))
    return slips


def flipped_gate(solution: Solution) -> list[Slip]:
    """Use 1 where the gate is 0 and 0 where it is 1 (the gate of the wrong sign)."""
    slips = []
    for record, rule in with_slip(GATE_FLIPPED):
        gates = _edges_of(solution, record.name)
        if gates:
            value = swap_factors(solution, _flip(gates))
            slips.append(Slip(value, rule.mistake.format(where=_names(e.node for e in gates))))
    return slips


def dropped_path(solution: Solution) -> list[Slip]:
    """Forget one path where paths merge: the total minus that path's product."""
    if len(solution.paths) < 2 or solution.paths_truncated or solution.gradient is None:
        return []
    return [Slip(solution.gradient - path.product, f"dropped the path {_route(path)} at the merge")
            for path in solution.paths]


def only_one_path(solution: Solution) -> list[Slip]:
    """Keep only one path (the other contributions all forgotten)."""
    if len(solution.paths) < 3:
        return []
    return [Slip(path.product, f"kept only the path {_route(path)} and forgot the others")
            for path in solution.paths]


def derivative_at_output(solution: Solution) -> list[Slip]:
    """Evaluate φ' at the activation a instead of the pre-activation z (σ'(a) for σ'(z))."""
    slips = []
    for record, rule in with_slip(PRIME_AT_OUTPUT):
        for edge in _edges_of(solution, record.name):
            wrong = prime_at(record.name, solution.forward[edge.node])
            value = swap_factors(solution, _only(edge, wrong))
            slips.append(Slip(value, _said(rule.mistake, edge)))
    return slips


def local_slips(solution: Solution, kinds: Sequence[str]) -> list[Slip]:
    """The registry's per-edge slips of the given kinds (z(1 − z) for a(1 − a), σ(z) for σ'(z),
    the unit treated as linear...), each the path sum with that one local factor replaced."""
    slips = []
    for kind in kinds:
        for record, rule in with_slip(kind):
            if rule.factor is None:
                continue
            for edge in _edges_of(solution, record.name):
                z, a = solution.forward[edge.parent], solution.forward[edge.node]
                wrong = rule.factor(z, a, SYMPY_OPS)
                value = swap_factors(solution, _only(edge, wrong))
                slips.append(Slip(value, _said(rule.mistake, edge)))
    return slips


def sign_slip(solution: Solution) -> list[Slip]:
    if solution.gradient is None or solution.gradient == 0:
        return []
    return [Slip(-solution.gradient, "made a sign slip")]


def wrong_update_direction(solution: Solution, weight: sp.Expr, lr: sp.Expr) -> list[Slip]:
    """w + lr·g instead of w − lr·g, and forgetting the learning rate."""
    gradient = solution.gradient if solution.gradient is not None else sp.S.Zero
    return [Slip(weight + lr * gradient, "added the gradient step (w + lr·g) instead of subtracting it"),
            Slip(weight - gradient, "forgot to multiply the gradient by the learning rate"),
            Slip(lr * gradient, "gave the step lr·g instead of the new weight")]


def backprop_slips(solution: Solution) -> list[Slip]:
    """Every generic slip that applies to this working, most telling first."""
    slips: list[Slip] = []
    for finder in (ignored_gate, dropped_path, derivative_at_output, flipped_gate, only_one_path, sign_slip):
        slips.extend(finder(solution))
    return slips


def update_slips(gradient_slips: Sequence[Slip], weight: sp.Expr, lr: sp.Expr) -> list[Slip]:
    """A wrong gradient carried through a correct update: w − lr·(wrong g)."""
    return [Slip(weight - lr * s.value, f"{s.mistake}, then stepped with that gradient")
            for s in gradient_slips]


def evaluated(slips: Sequence[Slip]) -> list[Slip]:
    """Slips with irrational values evaluated once to 30 digits (rational ones stay exact).

    Option builders read `Slip.number` many times, and re-evaluating nested exp terms each time is slow.
    """
    return [s if sp.S(s.value).is_Rational else Slip(numeric(s.value), s.mistake) for s in slips]


def _route(path: Path) -> str:
    return " ← ".join(shown_name(n) for n in path.names)


def _only(target: Edge, value: sp.Expr) -> Callable[[Edge], sp.Expr | None]:
    """A factor change for one edge: `value` there, the edge's own factor elsewhere."""
    return lambda edge: value if edge == target else None


def _flip(gates: Sequence[Edge]) -> Callable[[Edge], sp.Expr | None]:
    """The gate of the wrong sign on these edges: 1 − gate."""
    return lambda edge: 1 - edge.value if edge in gates else None


def _opened(closed: Sequence[Edge]) -> Callable[[Edge], sp.Expr | None]:
    """Closed gates taken as open: a factor of 1 on these edges."""
    return lambda edge: sp.S.One if edge in closed else None


# -- two slips at once -------------------------------------------------------------------------
# A wrong answer no single slip explains is often two slips made together (σ(z) for σ'(z) on one
# unit and a dropped path, or a wrong local factor and a sign slip). Each slip is kept as an edit
# of the working (`Change`), so any two can be applied together; values are floats, since
# diagnosis compares with a typed number. The search is bounded (MAX_CHANGES edits, so at most
# a few hundred pairs) and its order is fixed, so the same answer always gets the same verdict.
MAX_CHANGES = 32


@dataclass(frozen=True)
class Change:
    """One slip as an edit: wrong factors on some edges, paths left out, or a wrong last step."""

    mistake: str
    factors: tuple[tuple[tuple[str, str], float], ...] = ()
    dropped: tuple[int, ...] = ()
    outer: str = ""  # "sign", "plus", "no-lr", "step": what is done to the gradient at the end

    def clashes(self, other: Change) -> bool:
        """Two edits of the same thing cannot both be made (one edge, one path, the last step)."""
        edges = {key for key, _ in self.factors}
        return (bool(edges & {key for key, _ in other.factors})
                or bool(set(self.dropped) & set(other.dropped))
                or bool(self.outer and other.outer))


def edge_slips(solution: Solution, edge: Edge) -> list[tuple[sp.Expr, str]]:
    """The wrong local factors a student may put on this one edge, with their names."""
    out: list[tuple[sp.Expr, str]] = []
    z, a = solution.forward.get(edge.parent), solution.forward.get(edge.node)
    for record in (r for r, _ in with_slip(PRIME_AT_OUTPUT) if r.name == edge.activation):
        rule = next(s for s in record.slips if s.kind == PRIME_AT_OUTPUT)
        if a is not None:
            out.append((prime_at(record.name, a), _said(rule.mistake, edge)))
    for kind in ("value-for-prime", "input-in-rule", "treated-linear"):
        for record, rule in with_slip(kind):
            if record.name == edge.activation and rule.factor is not None and z is not None:
                out.append((rule.factor(z, a, SYMPY_OPS), _said(rule.mistake, edge)))
    for record, rule in with_slip(GATE_IGNORED):
        if record.name == edge.activation and float(edge.value) == 0:
            out.append((sp.S.One, _said(rule.mistake, edge)))
    for record, rule in with_slip(GATE_FLIPPED):
        if record.name == edge.activation:
            out.append((1 - edge.value, _said(rule.mistake, edge)))
    kept: list[tuple[sp.Expr, str]] = []
    for value, why in out:  # one name per wrong factor (a closed gate flipped is one ignored)
        if float(value) != float(edge.value) and all(float(value) != float(v) for v, _ in kept):
            kept.append((value, why))
    return kept


def _said(mistake: str, edge: Edge) -> str:
    node, parent = shown_name(edge.node), shown_name(edge.parent)
    return mistake.format(where=node, a=node, z=parent)


def shown_name(name: str) -> str:
    """A node's name as the stem prints it (h2 -> h₂, yhat -> ŷ): a slip's words are free text,
    printed raw by some views, so the subscripts are written in Unicode here."""
    return render_name(name, "unicode")


def _names(names: Iterable[str]) -> str:
    return ", ".join(shown_name(n) for n in names)


def changes(solution: Solution, lr: sp.Expr | None = None) -> list[Change]:
    """Every single-slip edit of this working, in a fixed order, at most MAX_CHANGES inner ones."""
    inner: list[Change] = []
    for edge in solution.edges:
        for value, why in edge_slips(solution, edge):
            inner.append(Change(why, factors=(((edge.node, edge.parent), as_float(value)),)))
    if len(solution.paths) > 1:
        inner += [Change(f"dropped the path {_route(p)} at the merge", dropped=(i,))
                  for i, p in enumerate(solution.paths)]
    outer = [Change("made a sign slip", outer="sign")] if lr is None else [
        Change("added the gradient step (w + lr·g) instead of subtracting it", outer="plus"),
        Change("forgot to multiply the gradient by the learning rate", outer="no-lr"),
        Change("gave the step lr·g instead of the new weight", outer="step")]
    sums = PathSums.of(solution)
    right = sums.value(())
    inner = [c for c in inner if sums.value((c,)) != right]  # no edit that changes nothing
    return inner[:MAX_CHANGES] + outer


@dataclass(frozen=True)
class PathSums:
    """The working's path sum in floats, its factors read once, so that valuing an edit is one
    pass over the paths (the diagnosis values a few hundred edits per typed answer)."""

    factors: dict[tuple[str, str], float]
    paths: tuple[tuple[tuple[str, str], ...], ...]

    @classmethod
    def of(cls, solution: Solution) -> PathSums:
        factors = {(e.node, e.parent): as_float(e.value) for e in solution.edges}
        paths = tuple(tuple(zip(p.names, p.names[1:], strict=False)) for p in solution.paths)
        return cls(factors, paths)

    def value(self, edits: Sequence[Change], weight: float = 0.0, lr: float | None = None) -> float:
        """The answer with these edits made: the path sum with their factors and paths, then the
        last step (the update w − lr·g, or the gradient itself) as they change it."""
        swapped = {key: value for c in edits for key, value in c.factors}
        dropped = {i for c in edits for i in c.dropped}
        gradient = 0.0
        for i, path in enumerate(self.paths):
            if i not in dropped:
                product = 1.0
                for key in path:
                    product *= swapped.get(key, self.factors[key])
                gradient += product
        return _last_step(gradient, {c.outer for c in edits} - {""}, weight, lr)


def _last_step(gradient: float, outer: set[str], weight: float, lr: float | None) -> float:
    if lr is None:
        return -gradient if "sign" in outer else gradient
    if "plus" in outer:
        return weight + lr * gradient
    if "no-lr" in outer:
        return weight - gradient
    if "step" in outer:
        return lr * gradient
    return weight - lr * gradient


def pair_slips(solution: Solution, weight: float = 0.0, lr: float | None = None) -> list[Slip]:
    """Every pair of edits that can be made together, each with its value and both names."""
    made = _edits(solution, lr)
    return [] if made is None else [Slip(sp.Float(v, 20), why) for v, why in _pair_values(*made, weight, lr)]


def single_slips(solution: Solution, weight: float = 0.0, lr: float | None = None) -> list[Slip]:
    """Each edit alone, valued the same way as the pairs (so a pair never hides a single)."""
    made = _edits(solution, lr)
    return [] if made is None else [Slip(sp.Float(v, 20), why) for v, why in _single_values(*made, weight, lr)]


def _edits(solution: Solution, lr: float | None) -> tuple[list[Change], PathSums] | None:
    """The single-slip edits and the float path sums they are valued on; None when the working
    lists no paths (or not all of them)."""
    if solution.paths_truncated or not solution.paths:
        return None
    return changes(solution, None if lr is None else sp.nsimplify(lr)), PathSums.of(solution)


def _single_values(edits: list[Change], sums: PathSums, weight: float, lr: float | None) -> list[tuple[float, str]]:
    return [(sums.value((c,), weight, lr), c.mistake) for c in edits]


def _pair_values(edits: list[Change], sums: PathSums, weight: float, lr: float | None) -> list[tuple[float, str]]:
    return [(sums.value((first, second), weight, lr), f"{first.mistake}, and {second.mistake}")
            for i, first in enumerate(edits) for second in edits[i + 1:] if not first.clashes(second)]


def diagnose_pair(solution: Solution, typed: float, close: Callable[[float, float], bool],
                  weight: float = 0.0, lr: float | None = None) -> str | None:
    """The two slips that give `typed`, when exactly one pair does and no single slip does
    (nor the right answer): `close(value, typed)` is the grader's "same answer"."""
    right = PathSums.of(solution).value((), weight, lr)
    made = _edits(solution, lr)
    if close(right, typed) or made is None:
        return None
    if any(close(value, typed) for value, _ in _single_values(*made, weight, lr)):
        return None
    fits = {mistake for value, mistake in _pair_values(*made, weight, lr) if close(value, typed)}
    return fits.pop() if len(fits) == 1 else None


def pair_mistake(steps: Sequence[Step], find: dict[str, object], typed: float, key: float,
                 close: Callable[[float, float], bool]) -> str | None:
    """Two-slip diagnosis of a typed answer from the question's own typed working (its forward
    values, local derivatives and listed paths), so grading never solves a network; None when
    the working lists no paths or does not end on the key (a family's own answer)."""
    solution = solution_from_steps(steps)
    return None if solution is None else answer_pair(solution, find, typed, key, close)


def answer_pair(solution: Solution, find: dict[str, object], typed: float, key: float,
                close: Callable[[float, float], bool]) -> str | None:
    """The pair of slips that gives `typed` for this find (a gradient, or one update step)."""
    if not find.get("wrt"):
        return None
    lr, wrt = find.get("lr"), str(find["wrt"])
    rate = float(lr) if isinstance(lr, (int, float)) else None
    if rate is not None and wrt not in solution.forward:
        return None
    weight = float(solution.forward[wrt]) if rate is not None else 0.0
    if not close(PathSums.of(solution).value((), weight, rate), key):
        return None
    return diagnose_pair(solution, typed, close, weight, rate)


_PARTIAL = re.compile(r"∂\s*(\w+)\s*/\s*∂\s*(\w+)")


def solution_from_steps(steps: Sequence[Step]) -> Solution | None:
    """The edges, forward values and paths a typed working states, as a Solution to edit."""
    forward = {str(s.quantity): sp.Float(s.value, 20) for s in steps
               if s.skill == "forward" and s.value is not None}
    edges: dict[tuple[str, str], Edge] = {}
    for s in steps:
        found = _PARTIAL.fullmatch(str(s.quantity or "").strip())
        if s.kind == "local" and s.value is not None and found:
            act = (s.skill or "").removeprefix("local:").removeprefix("local")
            edges.setdefault((found[1], found[2]), Edge(found[1], found[2], "", sp.Float(
                s.value, 20), activation=act if act not in ("linear", "loss", "expression") else ""))
    paths = []
    for s in steps:
        pairs = _PARTIAL.findall(str(s.quantity or ""))
        if s.kind == "path" and pairs and all(p in edges for p in pairs):
            names = (pairs[0][0], *(parent for _, parent in pairs))
            factors = tuple(edges[p].value for p in pairs)
            paths.append(Path(names, factors, sp.Mul(*factors)))
    if not paths:
        return None
    gradient = sp.Add(*(p.product for p in paths))
    return Solution("", gradient, forward, tuple(edges.values()), paths=tuple(paths),
                    gradient=gradient)
