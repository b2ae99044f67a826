"""The engine stays readable: short functions, short signatures for compiled ones.

Limits from the engine's design: every function in `src/metastasis/engine/` is under 120
lines, and no compiled (`@njit`) function takes more than 12 arguments, so that each step of
the kernel can be read at once and state travels in the typed containers of `engine/state.py`.
"""

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[3] / "src" / "metastasis" / "engine"
MAX_LINES = 120
MAX_COMPILED_ARGS = 12


def _functions() -> list[tuple[str, ast.FunctionDef]]:
    out = []
    for path in sorted(ENGINE.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                out.append((f"{path.name}:{node.name}", node))
    return out


def _is_compiled(fn: ast.FunctionDef) -> bool:
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if isinstance(target, ast.Name) and target.id == "njit":
            return True
    return False


FUNCTIONS = _functions()


def test_the_engine_has_compiled_steps():
    names = {name for name, fn in FUNCTIONS if _is_compiled(fn)}
    for step in ("kernel.py:run_patient", "primary.py:primary_step", "death.py:death_step",
                 "lesion_steps.py:large_lesions_step", "lesion_steps.py:small_lesions_step",
                 "dissemination.py:shed_step", "dormancy_step.py:dormant_fates",
                 "dormancy_step.py:found_colonies", "therapy_step.py:apply_kill",
                 "recording.py:flush_interval"):
        assert step in names


@pytest.mark.parametrize("name,fn", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_function_is_short(name, fn):
    lines = fn.end_lineno - fn.lineno + 1
    assert lines < MAX_LINES, f"{name} has {lines} lines; split it below {MAX_LINES}"


@pytest.mark.parametrize("name,fn", [(n, f) for n, f in FUNCTIONS if _is_compiled(f)],
                         ids=[n for n, f in FUNCTIONS if _is_compiled(f)])
def test_compiled_signature_is_short(name, fn):
    n_args = len(fn.args.args) + len(fn.args.kwonlyargs)
    assert n_args <= MAX_COMPILED_ARGS, f"{name} takes {n_args} arguments"
