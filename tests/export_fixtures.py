"""Hand-built questions shared by the export tests (not a test module itself)."""

from __future__ import annotations

from gatebp.question import Option, Question

GRAPH = {"values": {"x": "2", "w1": "1", "w2": "3"},
         "nodes": {"z": "w1*x", "h": "relu(z)", "y": "w2*h"}}


def sample_questions() -> list[Question]:
    nat = Question(
        id="nat-relu-chain", topic="chain-rule", type="NAT", marks=2,
        text="Consider the network below. Compute the partial derivative dy/dw1 at the given "
             "values (answer as an integer)",
        answer={"value": 6.0, "exact": "6", "range": [6.0, 6.0]},
        solution=("Forward: z = w1*x = 2, h = relu(2) = 2, y = w2*h = 6.",
                  "Backward: dy/dh = w2 = 3; dh/dz = 1 since z > 0; dz/dw1 = x = 2.",
                  "Multiply along the path: 3 * 1 * 2 = 6."),
        graph=GRAPH, find={"of": "y", "wrt": "w1"}, rounding=0)
    mcq = Question(
        id="mcq-relu-input", topic="multi-path", type="MCQ", marks=1,
        text="For the same network, which value equals the gradient of y with respect to x?",
        answer={"correct": [1]},
        solution=("dy/dx = w2 * relu'(z) * w1 = 3 * 1 * 1 = 3.",),
        options=(Option("A", "1", 1.0, "forgot w2"), Option("B", "3", 3.0),
                 Option("C", "6", 6.0, "used dy/dw1"), Option("D", "0", 0.0, "relu gate shut")),
        graph=GRAPH, find={"of": "y", "wrt": "x"})
    msq = Question(
        id="msq-relu-props", topic="relu-properties", type="MSQ", marks=2,
        text="Which statements about ReLU(z) = max(0, z) are TRUE? Note: 5 < 7 & a_b {braces} $ # % ~ ^ \\ 100%",
        answer={"correct": [0, 2]},
        solution=("ReLU is continuous everywhere.", "It is not differentiable at z = 0.",
                  "Its derivative is 1 for every z > 0."),
        options=(Option("A", "ReLU is continuous at z = 0"),
                 Option("B", "ReLU is differentiable at z = 0"),
                 Option("C", "The derivative of ReLU is 1 for z > 0"),
                 Option("D", "ReLU is bounded above")))
    return [nat, mcq, msq]


PHRASES = ("Compute the partial derivative", "which value equals the gradient",
           "Which statements about ReLU")
KEYS = ("6 to 6", "B", "A;C")
