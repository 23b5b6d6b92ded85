"""Two-slip diagnosis: a wrong answer made of two planted slips is named when one pair fits.

The planted answer is computed with SymPy through `swap_factors` (the single-slip builder), not
with the float search that diagnoses it, so the test checks the search against another route.
"""

from __future__ import annotations

import itertools

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from gatebp.gate.grade import Response, grade
from gatebp.network.slips import (
    Change,
    changes,
    diagnose_pair,
    edge_slips,
    solution_from_steps,
    swap_factors,
)
from gatebp.network.solve import solve
from gatebp.network.spec import graph_from_dict
from gatebp.network.steps import Solution
from gatebp.questions.generate import build_question
from tests.sweep import scaled, seeds, built

# Scalar-network NAT families whose answer is the network's own gradient (with paths listed).
FAMILIES = ("activation-path", "relu-gate", "multipath-relu", "residual", "merges", "sigmoid-bce",
            "delta-recursion", "two-layer-mse")


def planted(solution: Solution, first: Change, second: Change) -> sp.Expr:
    """The answer with both slips made, in exact arithmetic through swap_factors."""
    wrong = {key: sp.nsimplify(value) for c in (first, second) for key, value in c.factors}
    keep = [i for i in range(len(solution.paths)) if i not in first.dropped + second.dropped]
    kept = Solution(solution.question, solution.exact, solution.forward, solution.edges,
                    paths=tuple(solution.paths[i] for i in keep))
    total = swap_factors(kept, lambda e: wrong.get((e.node, e.parent)))
    return -total if "sign" in (first.outer, second.outer) else total


def close(places: int):  # type: ignore[no-untyped-def]
    return lambda a, b: abs(a - b) <= 0.5 * 10.0**-places + 1e-9


@settings(max_examples=scaled(60))
@given(st.sampled_from(FAMILIES), st.integers(0, 10**6), st.randoms(use_true_random=False))
def test_a_planted_pair_is_named_or_honestly_ambiguous(topic, seed, rng) -> None:
    q = built(topic, "NAT", 1, seed)
    solution = solve(graph_from_dict(q.graph, q.find))
    pairs = [(a, b) for a, b in itertools.combinations(changes(solution), 2) if not a.clashes(b)]
    if not pairs:
        return
    first, second = rng.choice(pairs)
    typed = float(sp.N(planted(solution, first, second), 30))
    found = diagnose_pair(solution, typed, close(4))
    if found is not None:
        assert first.mistake in found and second.mistake in found, (q.id, found)


def test_pairs_are_found_over_many_seeds() -> None:
    """Not vacuous: most planted pairs are named, across families and seeds."""
    named = tried = 0
    for topic, seed in itertools.product(FAMILIES, seeds(6)):
        q = built(topic, "NAT", 1, seed)
        solution = solve(graph_from_dict(q.graph, q.find))
        stated = solution_from_steps(q.solution)  # what the grader reads: the typed working
        edits = changes(solution)
        for first, second in itertools.combinations(edits, 2):
            if first.clashes(second):
                continue
            tried += 1
            typed = float(sp.N(planted(solution, first, second), 30))
            found = diagnose_pair(solution, typed, close(4))
            if found is not None:
                assert first.mistake in found and second.mistake in found
                named += 1
            if stated is not None:
                assert diagnose_pair(stated, typed, close(4)) == found, q.id
    assert tried > 100 and named > tried * 0.5, (named, tried)


def planted_with_sign(topic: str, seeds: range):  # type: ignore[no-untyped-def]
    """(question, typed, edit) for each edit made together with a sign slip."""
    for seed in seeds:
        q = built(topic, "NAT", 1, seed)
        solution = solve(graph_from_dict(q.graph, q.find))
        sign = next(c for c in changes(solution) if c.outer == "sign")
        for edit in (c for c in changes(solution) if c.outer != "sign"):
            yield q, float(sp.N(planted(solution, edit, sign), 30)), edit


def test_grading_names_two_slips_in_every_mode() -> None:
    """The grader itself (drill, mock and scoresheet all read it) names the pair, from the
    question's own working when it lists its scalar paths (merges does)."""
    for q, typed, edit in planted_with_sign("merges", range(40)):
        verdict = grade(q, Response.nat(round(typed, 4)))
        if not verdict.correct and verdict.mistake and ", and " in verdict.mistake:
            assert edit.mistake in verdict.mistake and "sign slip" in verdict.mistake
            return
    pytest.fail("no merges question named a planted pair")


def test_the_drill_names_two_slips_from_the_solved_network() -> None:
    """A vector-form working lists no scalar paths: the drill solves the network to name the pair."""
    from gatebp.app.drill import _diagnosed

    named = 0
    for q, typed, edit in planted_with_sign("multipath-relu", range(30)):
        assert solution_from_steps(q.solution) is None  # the working is in vector form
        verdict = _diagnosed(q, Response.nat(round(typed, 4)))
        if not verdict.correct and verdict.mistake and ", and " in verdict.mistake:
            assert edit.mistake in verdict.mistake and "sign slip" in verdict.mistake
            named += 1
    assert named >= 10, named


def test_edge_slips_name_sigma_for_sigma_prime() -> None:
    q = built("sigmoid-bce", "NAT", 1, 3)
    solution = solve(graph_from_dict(q.graph, q.find))
    edge = next(e for e in solution.edges if e.activation == "sigmoid")
    slips = dict((why, value) for value, why in edge_slips(solution, edge))
    named = next(why for why in slips if "itself as the derivative" in why)
    assert slips[named] == solution.forward[edge.node]  # σ(z) = a typed for σ'(z)
