"""The harness's typed plumbing: the one row base class every kind of case row shares, the explicit conventions
registry (families in a stated order), and the report's sections (``suite.Section``) that order merged rows."""
from dataclasses import fields

import pytest

import keras_impl.optimizers_sgd as k
import reference_numpy.optimizers_sgd as n
import torch_impl.optimizers_sgd as t

from parity_tests import conventions, suite
from parity_tests.case import Case, Run, Skip, expand
from parity_tests.cases import ALL_CASES, ALL_INITS, ALL_ROWS, ALL_RULES, ALL_TRAININGS
from parity_tests.conventions import FAMILIES, Family, concepts, family_of
from parity_tests.distribution import SHAPES, Init
from parity_tests.row import Row
from parity_tests.suite import Piece, Position, Section
from parity_tests.tolerance import Override, tolerance_for
from parity_tests.training import Training
from parity_tests.trajectory import Rule

KINDS = {Case: ALL_CASES, Rule: ALL_RULES, Init: ALL_INITS, Training: ALL_TRAININGS}
SHARED = ("family", "concept", "numpy", "torch", "keras", "required", "aligned", "regimes", "overrides", "skips")


# ---- one row base class ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(KINDS), ids=lambda kind: kind.__name__)
def test_every_kind_of_row_is_a_row_with_the_shared_fields_first(kind):
    assert issubclass(kind, Row)
    assert tuple(f.name for f in fields(Row)) == SHARED
    assert tuple(f.name for f in fields(kind))[:len(SHARED)] == SHARED
    assert KINDS[kind] and all(type(row) is kind for row in KINDS[kind])


@pytest.mark.parametrize("kind, regimes", [(Case, ("typical", "large", "tiny")), (Rule, ("open_loop", "closed_loop")),
                                           (Init, tuple(SHAPES)), (Training, ("tape",))],
                         ids=["Case", "Rule", "Init", "Training"])
def test_each_kind_keeps_its_own_default_regimes(kind, regimes):
    assert next(f for f in fields(kind) if f.name == "regimes").default == regimes


def _rule(**fields_):
    return Rule("optimizers", "momentum", n.sgd, t.sgd, k.sgd, required={"momentum": 0.9}, **fields_)


def test_a_row_subclass_carries_skips_and_overrides_of_the_base():
    loose = Override("demonstration", atol=1.0, regime="closed_loop")
    rule = _rule(skips=(Skip("demonstration", dtype="float32"),), overrides=(loose,), state={"momentum": ("b", "m")})
    assert rule.skips[0].reason == "demonstration" and rule.overrides == (loose,)
    runs, skipped = expand([rule])
    assert runs and {run.dtype for run in runs} == {"float64"} and len(skipped) == len(runs)
    assert {reason for _, reason in skipped} == {"demonstration"}
    assert tolerance_for("float64", "closed_loop", "params", rule.overrides)[0] == 1.0
    assert rule.all_regimes == rule.regimes == ("open_loop", "closed_loop")
    assert rule.quantities == ("params", "state_momentum")


def test_fields_with_defaults_are_keywords_only():
    with pytest.raises(TypeError):
        Rule("optimizers", "momentum", n.sgd, t.sgd, k.sgd, {"momentum": ("b", "m")})  # state given by position
    with pytest.raises(TypeError):
        Row("optimizers", "momentum", n.sgd, t.sgd, k.sgd, {"momentum": 0.9})  # required given by position


def test_the_base_row_names_no_quantities():
    row = Row("optimizers", "momentum", n.sgd, t.sgd, k.sgd)
    assert row.all_regimes == () and row.aligned == ({},) and row.required == {}
    with pytest.raises(NotImplementedError):
        row.quantities


def test_a_case_adds_the_kink_regime_to_the_base_regimes():
    relu = next(c for c in ALL_CASES if c.kinks)
    assert relu.all_regimes == relu.regimes + ("kink",)


# ---- explicit conventions registry -----------------------------------------------------------------------------

def test_every_family_in_the_list_has_concepts_and_every_concept_a_listed_family():
    names = [family.name for family in FAMILIES]
    assert len(set(names)) == len(names)
    assert all(isinstance(family, Family) and family.modules for family in FAMILIES)
    by_family = {name: [c for c in concepts() if family_of(c) == name] for name in names}
    assert all(by_family.values()), [name for name, listed in by_family.items() if not listed]
    assert {family_of(c) for c in concepts()} == set(names)


def test_concepts_come_family_by_family_in_the_list_order():
    order = [family_of(c) for c in concepts()]
    assert list(dict.fromkeys(order)) == [family.name for family in FAMILIES]
    assert order == sorted(order, key=[family.name for family in FAMILIES].index)  # each family contiguous


def test_every_listed_module_registers_concepts_and_no_concept_is_registered_twice():
    listed = [module for family in FAMILIES for module in family.modules]
    assert len(set(listed)) == len(listed)
    registered = conventions._REGISTERED_BY
    assert all(registered.get(module) for module in listed), [m for m in listed if not registered.get(m)]
    assert set(registered) == set(listed)
    assert sum(len(names) for names in registered.values()) == len(concepts()) == len(set(concepts()))


def test_every_row_is_in_the_family_its_concept_is_listed_under():
    assert {(row.concept, row.family) for row in ALL_ROWS} <= {(c, family_of(c)) for c in concepts()}
    assert set(concepts()) == {row.concept for row in ALL_ROWS}
    assert all(conventions.convention(c, fw) for c in concepts() for fw in conventions.FRAMEWORKS)


def test_family_order_and_membership_come_from_the_list_not_the_registration_order():
    registered = {"b_module": {"b1": None, "b2": None}, "a_module": {"a1": None}, "c_module": {"c1": None}}
    families = (Family("first", ("a_module",)), Family("second", ("c_module", "b_module")))
    assert list(conventions._families(families, registered).items()) == [
        ("a1", "first"), ("c1", "second"), ("b1", "second"), ("b2", "second")]
    with pytest.raises(ImportError, match="b_module"):
        conventions._families(families[:1] + (Family("second", ("c_module",)),), registered)


# ---- report sections ---------------------------------------------------------------------------------------------

def test_sections_state_the_report_order():
    assert [s.name for s in Section] == ["CASES", "FINITE_DIFFERENCES", "RULES", "INITS", "TRAININGS",
                                         "INTROSPECTION", "BAD_INPUT"]
    assert list(Section) == sorted(Section)


def test_merge_orders_pieces_by_section_then_index_whatever_the_shards():
    pieces = [Piece(Position(Section.BAD_INPUT), ["bad"]), Piece(Position(Section.CASES, 1), ["case1"]),
              Piece(Position(Section.TRAININGS, 0), ["train"]), Piece(Position(Section.CASES, 0), ["case0a", "case0b"]),
              Piece(Position(Section.FINITE_DIFFERENCES, 0), ["fd"]), Piece(Position(Section.INTROSPECTION), ["intro"])]
    expected = ["case0a", "case0b", "case1", "fd", "train", "intro", "bad"]
    assert suite.merge(pieces) == expected
    assert suite.merge(pieces[::2], pieces[1::2]) == suite.merge(pieces[::-1]) == expected


def test_units_place_each_kind_of_run_in_its_section():
    chosen = {kind: rows[:1] for kind, rows in suite.select().items()}
    work, _ = suite.units(0, chosen)
    sections = {}
    for unit in work:
        for position, run in unit.members:
            assert isinstance(position, Position) and isinstance(run, Run)
            sections.setdefault(position.section, set()).add(type(run.case))
    assert sections[Section.CASES] == sections[Section.FINITE_DIFFERENCES] == {Case}
    assert (sections[Section.RULES], sections[Section.INITS], sections[Section.TRAININGS]) == ({Rule}, {Init},
                                                                                               {Training})
    assert set(sections) == set(Section)
    lost = work[-1].lost(0, "demonstration")
    assert [piece.position for piece in lost] == [Position(Section.BAD_INPUT)]
    assert lost[0].rows[0]["status"] == "ERROR" and lost[0].rows[0]["cause"] == "demonstration"
