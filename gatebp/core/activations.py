"""The activation registry: one record per function a unit applies, read by everything else.

A record is all gatebp knows about one activation (and about `exp` and `log`, the other
one-argument functions of the spec grammar): its name in specs and in `act:`, its value, its local
derivative as the working writes it, its derivative from the output, its printed names, its
one-line definition for question stems, the convention at its kink and the slips it invites.
The parser's whitelist, the SymPy functions (gatebp.core.functions), the solver's rule table, the
mpmath evaluator, the forward-mode check, the vector form, the layer form, the printer, the
figures and the generic slips all read these records: adding an activation is one more
`Activation(...)` in RECORDS.

A value is one kernel, `value(z, ops)`, written once over `NumberOps`: SymPy numbers, mpmath
numbers and the check's dual numbers all run the same definition, and the forward-mode check
differentiates that definition itself, so it stays independent of the hand-written local rules.
This module imports neither SymPy nor mpmath, so the parser, the printer and the exports that only
read names stay light.

Kinks (stated in the README's spec section): relu'(0) = 0 as in PyTorch; leaky_relu'(0) = 0.01;
step(0) = 0 and step1(0) = 1 (the two tie rules a paper states), sign(0) = −1; the derivative of
step, step1 and sign is 0 wherever it exists and undefined at 0, where the solver refuses to go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Value = Any  # a SymPy, mpmath or dual number, or a Fraction: the kernels only add and compare


@dataclass(frozen=True)
class NumberOps:
    """What a kernel needs beyond + − × ÷ on one number system (each caller brings its own)."""

    zero: Value
    one: Value
    exp: Callable[[Value], Value]
    log: Callable[[Value], Value]
    tanh: Callable[[Value], Value]
    positive: Callable[[Value], bool]  # exact for SymPy numbers; the kink tolerance for mpmath


Kernel = Callable[[Value, NumberOps], Value]


def _same(value: Value) -> Value:
    return value


@dataclass(frozen=True)
class At:
    """One unit a = φ(z) at the forward values, as a local rule reads it. `pair` readies a value
    to be multiplied by itself (the solver makes long exact forms numeric first); `short` and
    `factor` print numbers for the reason beside the rule."""

    z: Value
    a: Value
    z_name: str
    a_name: str
    ops: NumberOps
    pair: Callable[[Value], Value] = _same
    short: Callable[[Value], str] = str
    factor: Callable[[Value], str] = str


@dataclass(frozen=True)
class Local:
    """φ'(z) at one unit: its value, the formula in the unit's names, the reason shown beside it."""

    value: Value
    formula: str
    why: str


@dataclass(frozen=True)
class SlipRule:
    """A named slip on one activation. `mistake` completes "you ..." with {where}, {z}, {a} filled
    in; `factor(z, a, ops)`, when given, is the wrong local derivative the slip puts on the edge."""

    kind: str
    mistake: str
    factor: Callable[[Value, Value, NumberOps], Value] | None = None


GATE_IGNORED = "gate-ignored"  # every closed gate taken as open
GATE_FLIPPED = "gate-flipped"  # 1 − gate: the gate of the wrong sign
PRIME_AT_OUTPUT = "prime-at-output"  # φ'(a) for φ'(z)
VALUE_FOR_PRIME = "value-for-prime"  # φ(z) itself for φ'(z)
INPUT_IN_RULE = "input-in-rule"  # z(1 − z) for a(1 − a)
TREATED_LINEAR = "treated-linear"  # the unit's derivative left out
TIE_RULE = "tie-rule"  # the other value at exactly 0
NET_FOR_OUTPUT = "net-for-output"  # the weighted sum given as the unit's output
OTHER_UNIT = "other-unit"  # a 0/1 step for a ±1 sign, or the reverse


@dataclass(frozen=True)
class Activation:
    """Everything about one activation. Flags: `spec` (callable in node expressions), `core` (in
    the export contract's core grammar, docs/format.md), `layer` (an `act:` of the layer form),
    `piecewise` (SymPy holds it unevaluated for symbols, its derivative being `gate`, or 0 when
    `gate` is None), `undefined_at_zero` (no derivative at z = 0), `bounded` (an argument beyond
    1e15 is refused: exponentials), `positive_domain` (z > 0 only)."""

    name: str
    value: Kernel
    unicode: str
    definition: str  # starts with the Unicode name: "ReLU(z) = max(0, z)"
    local: Callable[[At], Local] | None = None
    from_output: Callable[[Value], Value] | None = None
    gate: Kernel | None = None
    slips: tuple[SlipRule, ...] = ()
    latex: str = ""  # default \operatorname{unicode}
    typst: str = ""  # default op("unicode")
    title: str = ""  # a figure's column title; default the Unicode name
    convention: str = ""  # the kink's convention, said whenever the rule table uses it
    remark: str = ""  # a note the working adds whenever the rule table uses it
    layer_form: str = "unit"  # "unit": a = act(z) per unit; "identity": no node; "softmax"
    spec: bool = True
    core: bool = False
    layer: bool = False
    last_only: bool = False
    piecewise: bool = False
    power: bool = False  # printed as a power of e
    undefined_at_zero: bool = False
    bounded: bool = False
    positive_domain: bool = False

    @property
    def kind(self) -> str:
        """The printer's token kind: "call" for a one-letter head (σ(z)), else "fn" (ReLU z)."""
        return "call" if len(self.unicode) == 1 else "fn"

    @property
    def latex_name(self) -> str:
        return self.latex or f"\\operatorname{{{self.unicode}}}"

    @property
    def typst_name(self) -> str:
        return self.typst or f'op("{self.unicode}")'

    @property
    def figure_title(self) -> str:
        return self.title or self.unicode

    @property
    def plain_title(self) -> str:
        """The title in ASCII: itself when it is ASCII (ReLU), else the spec name (sigmoid)."""
        return self.figure_title if self.figure_title.isascii() else self.name

    @property
    def prime(self) -> str:
        """The derivative's printed name: σ', tanh'."""
        return self.unicode + "'"

    @property
    def spec_definition(self) -> str:
        """The definition with the spec name, as stems write it: "relu(z) = max(0, z)"."""
        return self.name + self.definition[len(self.unicode):]

    @property
    def note(self) -> str:
        """The line the working adds when this activation's rule was used (empty: none)."""
        return f"Convention: {self.convention}." if self.convention else self.remark


# --- local rules ---------------------------------------------------------------------------

def _relu_local(at: At) -> Local:
    is_open = at.ops.positive(at.z)
    state = "> 0: the gate is open" if is_open else "≤ 0: the gate is closed"
    return Local(at.ops.one if is_open else at.ops.zero, f"1 if {at.z_name} > 0 else 0",
                 f"ReLU gate: {at.z_name} = {at.short(at.z)} {state}")


def _sigmoid_local(at: At) -> Local:
    a, name = at.pair(at.a), at.a_name
    return Local(a * (1 - a), f"{name}(1 - {name})",
                 f"sigmoid: σ'({at.z_name}) = {name}(1 − {name}) = {at.factor(a)} × {at.factor(1 - a)}")


def _tanh_local(at: At) -> Local:
    a, name = at.pair(at.a), at.a_name
    return Local(1 - a**2, f"1 - {name}**2", f"tanh: 1 − {name}² = 1 − {at.factor(a)}²")


def _exp_local(at: At) -> Local:
    return Local(at.a, at.a_name,
                 f"exp: the derivative of exp({at.z_name}) is exp({at.z_name}) = {at.a_name}")


def _log_local(at: At) -> Local:
    return Local(1 / at.z, f"1/{at.z_name}", f"log: 1/{at.z_name} = 1/{at.short(at.z)}")


def _linear_local(at: At) -> Local:
    return Local(at.ops.one, "1", "linear: id'(z) = 1")


def _flat_local(label: str) -> Callable[[At], Local]:
    """A step-like unit: φ'(z) = 0 off the jump (the solver has refused z = 0 before this)."""

    def rule(at: At) -> Local:
        return Local(at.ops.zero, "0", f"{label}: {label}'({at.z_name}) = 0 for {at.z_name} ≠ 0 "
                                       f"({at.z_name} = {at.short(at.z)})")

    return rule


# --- slips ---------------------------------------------------------------------------------

def _output_slips(name: str, head: str, rule: str,
                  at_input: Callable[[Value], Value]) -> tuple[SlipRule, ...]:
    """The slips of a unit whose derivative is written with its output a (σ: a(1 − a))."""
    return (SlipRule(PRIME_AT_OUTPUT, f"used {head}′({{a}}) instead of {head}′({{z}}) "
                                      "(the derivative at the output, not the input)"),
            SlipRule(INPUT_IN_RULE, f"put {{z}} into the formula: {rule.replace('{a}', '{z}')} "
                                    f"instead of {rule}", lambda z, a, ops: at_input(z)),
            SlipRule(TREATED_LINEAR, f"treated {{a}} = {name}({{z}}) as linear (left out its derivative)",
                     lambda z, a, ops: ops.one))


SIGMOID_SLIPS = _output_slips("sigmoid", "σ", "{a}(1 − {a})", lambda z: z * (1 - z)) + (
    SlipRule(VALUE_FOR_PRIME, "used σ({z}) = {a} itself as the derivative, not {a}(1 − {a})",
             lambda z, a, ops: a),)
TANH_SLIPS = _output_slips("tanh", "tanh", "1 − {a}²", lambda z: 1 - z**2) + (
    SlipRule(VALUE_FOR_PRIME, "used 1 − {a} instead of 1 − {a}²", lambda z, a, ops: 1 - a),)
RELU_SLIPS = (SlipRule(GATE_IGNORED, "ignored the closed ReLU gate on {where} (its input is not positive)"),
              SlipRule(GATE_FLIPPED, "used the ReLU gate of the wrong sign on {where}"))


def _threshold_slips(head: str, tie: str, other: str) -> tuple[SlipRule, ...]:
    return (SlipRule(TIE_RULE, f"took {head}(0) as {tie} (the tie rule decides a score of exactly 0)"),
            SlipRule(NET_FOR_OUTPUT, "gave the net input (the weighted sum) as the unit's output"),
            SlipRule(OTHER_UNIT, f"gave {other} output instead of {head}'s"))


def _flat_remark(name: str, unit: str) -> str:
    return (f"{name}′(z) = 0 wherever it is defined (z ≠ 0; undefined at 0): "
            f"no gradient passes a {unit} unit.")


# --- the records ---------------------------------------------------------------------------

def _sigmoid(z: Value, ops: NumberOps) -> Value:
    return 1 / (1 + ops.exp(-z))


def _relu(z: Value, ops: NumberOps) -> Value:
    return z if ops.positive(z) else ops.zero


def _relu_gate(z: Value, ops: NumberOps) -> Value:
    return ops.one if ops.positive(z) else ops.zero


def _leaky_relu(z: Value, ops: NumberOps) -> Value:
    return z if ops.positive(z) else z / 100


def _leaky_gate(z: Value, ops: NumberOps) -> Value:
    return ops.one if ops.positive(z) else ops.one / 100


def _step1(z: Value, ops: NumberOps) -> Value:
    return ops.zero if ops.positive(-z) else ops.one


def _sign(z: Value, ops: NumberOps) -> Value:
    return ops.one if ops.positive(z) else -ops.one


RECORDS: tuple[Activation, ...] = (
    Activation("relu", _relu, "ReLU", "ReLU(z) = max(0, z)", local=_relu_local, gate=_relu_gate,
               piecewise=True, core=True, layer=True, convention="ReLU′(0) = 0, as in PyTorch",
               slips=RELU_SLIPS),
    Activation("sigmoid", _sigmoid, "σ", "σ(z) = 1/(1 + e^(−z))", local=_sigmoid_local,
               from_output=lambda a: a * (1 - a), core=True, layer=True, bounded=True,
               latex="\\sigma", typst="sigma", slips=SIGMOID_SLIPS),
    Activation("tanh", lambda z, ops: ops.tanh(z), "tanh",
               "tanh(z) = (e^z − e^(−z))/(e^z + e^(−z))", local=_tanh_local,
               from_output=lambda a: 1 - a**2, core=True, layer=True, bounded=True,
               latex="\\tanh", typst="tanh", slips=TANH_SLIPS),
    Activation("exp", lambda z, ops: ops.exp(z), "exp", "exp(z) = e^z", local=_exp_local,
               from_output=lambda a: a, core=True, power=True, bounded=True),
    Activation("log", lambda z, ops: ops.log(z), "ln", "ln(z) = logₑ z, the natural logarithm",
               local=_log_local, core=True, positive_domain=True, latex="\\ln", typst="ln"),
    Activation("leaky_relu", _leaky_relu, "LeakyReLU", "LeakyReLU(z) = z for z > 0, 0.01z otherwise",
               gate=_leaky_gate, piecewise=True),
    Activation("softplus", lambda z, ops: ops.log(1 + ops.exp(z)), "softplus",
               "softplus(z) = ln(1 + e^z)", bounded=True),
    Activation("linear", lambda z, ops: z, "id", "id(z) = z", local=_linear_local,
               from_output=lambda a: 1, spec=False, layer=True, layer_form="identity", title="linear"),
    Activation("softmax", lambda z, ops: z, "softmax", "softmax(z)ᵢ = e^(zᵢ)/Σⱼ e^(zⱼ)", spec=False,
               layer=True, last_only=True, layer_form="softmax"),
    Activation("step", _relu_gate, "step", "step(z) = 1 for z > 0, 0 otherwise",
               local=_flat_local("step"), piecewise=True, layer=True, undefined_at_zero=True,
               remark=_flat_remark("step", "step"), slips=_threshold_slips("step", "1", "sign's ±1")),
    Activation("step1", _step1, "step₁", "step₁(z) = 1 for z ≥ 0, 0 otherwise",
               local=_flat_local("step1"), piecewise=True, layer=True, undefined_at_zero=True,
               latex="\\operatorname{step}_1", typst='op("step")_1', remark=_flat_remark("step1", "step"),
               slips=_threshold_slips("step₁", "0", "sign's ±1")),
    Activation("sign", _sign, "sign", "sign(z) = +1 for z > 0, −1 otherwise",
               local=_flat_local("sign"), piecewise=True, layer=True, undefined_at_zero=True,
               remark=_flat_remark("sign", "sign"), slips=_threshold_slips("sign", "+1", "a 0/1 step")),
)
REGISTRY: dict[str, Activation] = {record.name: record for record in RECORDS}
SPEC_FUNCTIONS = tuple(r.name for r in RECORDS if r.spec)  # the parser's whitelist
CORE_FUNCTIONS = tuple(r.name for r in RECORDS if r.spec and r.core)  # what exports may use
LAYER_ACTIVATIONS = tuple(r.name for r in RECORDS if r.layer)  # `act:` values


def get(name: str) -> Activation:
    """The record of a spec function or layer activation (KeyError for anything else)."""
    return REGISTRY[name]


def find(name: str) -> Activation | None:
    return REGISTRY.get(name)


def with_slip(kind: str) -> tuple[tuple[Activation, SlipRule], ...]:
    """Every (activation, slip) of one kind, in registry order."""
    return tuple((r, s) for r in RECORDS for s in r.slips if s.kind == kind)


def _check(records: tuple[Activation, ...]) -> None:
    """The registry's own rules, checked at import so a bad record fails at once, not in a view."""
    names = [r.name for r in records]
    assert len(set(names)) == len(names), "activation names are unique"
    for r in records:
        assert r.definition.startswith(r.unicode), f"{r.name}: the definition starts with its name"
        vector_form = r.layer and r.layer_form == "unit"
        assert not (vector_form and r.local is None), f"{r.name}: the vector form needs a local rule"
        assert not (r.piecewise and r.power), f"{r.name}: a piecewise function is not a power"


_check(RECORDS)
