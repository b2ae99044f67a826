"""Reading .bnd/.cfg files: content, defaults, and an error naming file, line and item for
each class of bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from metastasis.models.boolean import BooleanNetwork, NetworkFileError, load_network
from metastasis.models.boolean.parser import parse_bnd, parse_cfg

BND = """// two nodes
Node A {
  rate_up = $ka;   /* block
  comment */ rate_down = 1;
}
node B {
  logic = A & !B;
  rate_up = @logic ? $kb : 0.0;
}
"""
CFG = """
$ka = 2; $kb = 0.5 * $ka;
A.istate = 1;
[B].istate = 0.25 [0], 0.75 [1];
B.is_internal = TRUE;
max_time = 7; time_tick = 0.25; sample_count = 300;
seed_pseudorandom = 9; discrete_time = 0; thread_count = 2;
"""


def _write(tmp: Path, bnd: str, cfg: str) -> tuple[Path, Path]:
    (tmp / "net.bnd").write_text(bnd)
    (tmp / "net.cfg").write_text(cfg)
    return tmp / "net.bnd", tmp / "net.cfg"


def test_reads_nodes_rates_variables_and_parameters(tmp_path: Path) -> None:
    bnd, _ = _write(tmp_path, BND, CFG)
    net = load_network(bnd)  # the .cfg beside the .bnd is used
    assert net.nodes == ("A", "B")
    assert net.variables == {"ka": 2.0, "kb": 1.0}
    assert net.parameters["max_time"] == 7 and net.parameters["time_tick"] == 0.25
    assert net.parameters["sample_count"] == 300 and net.parameters["seed_pseudorandom"] == 9
    assert net.outputs == ("A",) and net.internal == frozenset({"B"})
    groups = {g[0]: (g[1].tolist(), g[2]) for g in net.initial_probabilities()}
    assert groups[("A",)] == ([1.0], ((1,),))
    assert groups[("B",)] == ([0.25, 0.75], ((0,), (1,)))


def test_defaults_follow_maboss() -> None:
    net = BooleanNetwork.from_text("Node A { logic = !A; } Node B { rate_up = 1; }")
    assert net.parameters["time_tick"] == 0.5 and net.parameters["max_time"] == 1000
    # no istate: random start, probability 1/2 each
    assert all(np.allclose(p, [0.5, 0.5]) for _, p, _ in net.initial_probabilities())
    assert net.outputs == ("A", "B")


def test_joint_istate_and_random_istate() -> None:
    net = BooleanNetwork.from_text(
        "Node A { logic = A; } Node B { logic = B; } Node C { logic = C; }",
        "[A, B].istate = 1 [0, 1], 3 [1, 0]; C.istate = -1;",
    )
    groups = {g[0]: (g[1].tolist(), g[2]) for g in net.initial_probabilities()}
    assert groups[("A", "B")] == ([0.25, 0.75], ((0, 1), (1, 0)))
    assert groups[("C",)][0] == [0.5, 0.5]


def _error(tmp: Path, bnd: str, cfg: str) -> NetworkFileError:
    b, c = _write(tmp, bnd, cfg)
    with pytest.raises(NetworkFileError) as info:
        BooleanNetwork.from_files(b, c)
    return info.value


def test_syntax_error_in_bnd_names_file_line_item(tmp_path: Path) -> None:
    err = _error(tmp_path, "Node A {\n  rate_up = 1;\n  rate_down = (A & ;\n}\n", "")
    assert err.file.endswith("net.bnd") and err.line == 3 and err.item == "rate_down"
    assert str(err).startswith(f"{err.file}:3:")


def test_missing_semicolon_and_bad_block(tmp_path: Path) -> None:
    err = _error(tmp_path, "Node A {\n rate_up = 1\n}\n", "")
    assert err.line == 2 and "';'" in str(err)
    err = _error(tmp_path, "Node A { rate_up = 1; }\nNod B { }\n", "")
    assert err.line == 2 and err.item == "Nod"
    err = _error(tmp_path, "Node A { rate_up = 1; }\nNode A { rate_up = 2; }\n", "")
    assert err.line == 2 and err.item == "A"


def test_unknown_node_in_bnd(tmp_path: Path) -> None:
    err = _error(tmp_path, "Node A {\n  logic = A;\n}\nNode B {\n  logic = A | Ghost;\n}\n", "")
    assert err.line == 5 and err.item == "Ghost" and "unknown node" in str(err)


def test_undefined_variable(tmp_path: Path) -> None:
    err = _error(tmp_path, "Node A {\n  rate_up = $kup;\n}\n", "$other = 1;")
    assert err.file.endswith("net.bnd") and err.line == 2 and err.item == "$kup"
    err = _error(tmp_path, "Node A { rate_up = 1; }", "$a = 1;\n$b = $c + 1;\n")
    assert err.file.endswith("net.cfg") and err.line == 2 and err.item == "$c"


def test_undefined_or_circular_attribute(tmp_path: Path) -> None:
    err = _error(tmp_path, "Node A {\n  rate_up = @logic;\n}\n", "")
    assert err.line == 2 and err.item == "@logic"
    err = _error(tmp_path, "Node A {\n  x = @y;\n  y = @x;\n}\n", "")
    assert err.item in ("@x", "@y")


def test_unknown_node_in_cfg(tmp_path: Path) -> None:
    err = _error(tmp_path, "Node A { logic = A; }", "A.istate = 0;\nB.istate = 1;\n")
    assert err.file.endswith("net.cfg") and err.line == 2 and err.item == "B"
    err = _error(tmp_path, "Node A { logic = A; }", "\n\nGhost.is_internal = 1;")
    assert err.line == 3 and err.item == "Ghost"
    err = _error(tmp_path, "Node A { logic = A; }", "[A, Z].istate = 1 [0, 0];")
    assert err.line == 1 and err.item == "Z"


def test_unknown_parameter_in_cfg(tmp_path: Path) -> None:
    err = _error(tmp_path, "Node A { logic = A; }", "max_time = 5;\nmax_tiem = 3;\n")
    assert err.line == 2 and err.item == "max_tiem" and "unknown parameter" in str(err)


def test_bad_istate_values(tmp_path: Path) -> None:
    err = _error(tmp_path, "Node A { logic = A; }", "[A].istate = 0.5 [0], 0.5 [2];")
    assert err.line == 1 and err.item == "[A].istate"


def test_set_overrides_and_unknown_set() -> None:
    net = BooleanNetwork.from_text("Node A { rate_up = $k; }", "$k = 1; max_time = 3;")
    net2 = net.with_settings({"$k": "4", "max_time": 9, "k": 5})
    assert net2.variables["k"] == 5 and net2.parameters["max_time"] == 9
    assert net.variables["k"] == 1  # the original is unchanged
    with pytest.raises(NetworkFileError) as info:
        net.with_settings({"q": 1})
    assert (
        info.value.item == "q"
        and info.value.file == "--set"
        and "unknown parameter" in str(info.value)
    )
    with pytest.raises(NetworkFileError):
        net.with_settings({"k": "fast"})


def test_unknown_mutant_node() -> None:
    net = BooleanNetwork.from_text("Node A { logic = A; }")
    with pytest.raises(NetworkFileError) as info:
        net.with_mutants({"Ghost": 1})
    assert info.value.item == "Ghost"
    with pytest.raises(NetworkFileError):
        net.with_mutants({"A": 2})


def test_line_numbers_survive_comments() -> None:
    text = "// header\n/* multi\nline */\nNode A {\n  rate_up = 1 +;\n}\n"
    with pytest.raises(NetworkFileError) as info:
        parse_bnd(text, "x.bnd")
    assert info.value.line == 5
    cfg = parse_cfg("// a\n$a = 1; // b\n$b = 2;\n", "x.cfg")
    assert cfg.variable_lines == {"a": 2, "b": 3}


def test_bundled_cohen_reads() -> None:
    net = load_network("cohen2015")
    assert len(net.nodes) == 32
    assert set(net.outputs) == {
        "Apoptosis",
        "CellCycleArrest",
        "EMT",
        "Invasion",
        "Migration",
        "Metastasis",
    }
    assert net.parameters["sample_count"] == 10000


def test_missing_file_or_name() -> None:
    with pytest.raises(FileNotFoundError):
        load_network("no_such_network")
