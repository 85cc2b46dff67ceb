"""Exit codes, messages, reads and names (issue #12, points 3, 6 and 7).

Each case is an input the command-line attack of issue #12 found mishandled: an internal
error (exit 4) where the input was at fault, exit 0 on bad input, a read that hung or
trusted ``st_size``, or a name that formulas cannot use. Each must now give exit 2 (bad
input) or 3 (a documented limit) with exactly one ``error:`` line and no Python exception
text, or succeed where the input is valid.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small.toml"
PD_NFG = ROOT / "tests" / "data" / "pd.nfg"
LONDON = ROOT / "scenarios" / "london-2025.toml"
PYTHON_TEXT = (
    "Traceback",
    "set_int_max_str_digits",
    "codec",
    "Error(",
    "NoneType",
    "object is not",
)


pytestmark = pytest.mark.usefixtures("no_hang")


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def assert_error(result, code: int, *fragments: str) -> str:
    assert result.exit_code == code, (result.exit_code, result.stderr, result.stdout)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    for text in PYTHON_TEXT:
        assert text not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


# --------------------------------------------------------------------------- reads (3)


@pytest.mark.parametrize("command", ["show", "solve", "validate", "run", "truce"])
@pytest.mark.parametrize("suffix", [".toml", ".nfg"])
def test_a_fifo_is_refused_without_blocking(tmp_path, monkeypatch, command, suffix):
    if suffix == ".nfg" and command in {"run", "truce"}:
        pytest.skip("reads scenario files only")
    monkeypatch.chdir(tmp_path)
    os.mkfifo(f"pipe{suffix}")  # nobody writes: a plain read would block for ever
    assert_error(invoke(command, f"pipe{suffix}"), 2, f"pipe{suffix}", "FIFO")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("suffix", [".toml", ".nfg"])
def test_endless_devices_are_refused(tmp_path, device, suffix):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    link = tmp_path / f"endless{suffix}"
    link.symlink_to(device)
    assert_error(invoke("show", link), 2, "character device")


@pytest.mark.parametrize("suffix", [".toml", ".nfg"])
def test_a_100_mb_file_is_refused_after_reading_the_limit(tmp_path, suffix):
    big = tmp_path / f"big{suffix}"
    with open(big, "wb") as fh:  # sparse: 100 MB without using the disk
        fh.truncate(100_000_000)
    assert_error(invoke("show", big), 2, "larger than the limit")


def test_read_bounded_does_not_trust_st_size():
    """``/proc`` files say they are empty (``st_size`` 0) and are not."""
    from sim import io
    from sim.errors import InputError

    proc = Path("/proc/self/maps")
    if not proc.exists() or proc.stat().st_size != 0:
        pytest.skip("needs Linux's /proc, whose files report a size of 0")
    with pytest.raises(InputError, match="larger than the limit of 10 bytes"):
        io.read_bounded(proc, 10)
    assert len(io.read_bounded(proc, 10_000_000)) > 10


def test_an_nfg_header_declaring_a_huge_game_is_refused_before_allocating(tmp_path):
    players = " ".join(f'"P{i}"' for i in range(60))
    counts = " ".join(["10000000"] * 60)
    path = tmp_path / "huge.nfg"
    path.write_text(f'NFG 1 R "huge" {{ {players} }} {{ {counts} }}\n')
    assert_error(invoke("solve", path), 2, "at most 32 players")
    path.write_text(f'NFG 1 R "huge" {{ "A" "B" "C" }} {{ {" ".join(["10000000"] * 3)} }}\n')
    assert_error(invoke("solve", path), 2, "profiles, over the limit")


def test_max_cells_applies_to_nfg_files():
    assert_error(invoke("--max-cells", "7", "solve", PD_NFG), 3, "over the limit of 7")
    assert invoke("--max-cells", "8", "solve", PD_NFG).exit_code == 0


def test_no_python_exception_text_in_messages(tmp_path):
    digits = tmp_path / "digits.toml"
    digits.write_text(SMALL.read_text().replace("145", "1" * 5000))
    assert_error(invoke("show", digits), 2, "is not valid TOML")
    latin = tmp_path / "latin.nfg"
    latin.write_bytes('NFG 1 R "caf\xe9" { "A" "B" } { 1 1 }\n1 2\n'.encode("latin-1"))
    assert_error(invoke("solve", latin), 2, "is not UTF-8 text")


def test_a_timeline_reads_its_files_with_the_same_bounds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkfifo("pipe.toml")
    assert_error(invoke("timeline", "pipe.toml"), 2, "pipe.toml", "FIFO")
    Path("t.toml").write_text('[timeline]\nname = "t"\nbase = "pipe.toml"\n'
                              '[stages.a]\ndate = 2025-01-01\n')
    result = invoke("timeline", "t.toml")
    assert result.exit_code == 2, result.stderr
    assert "FIFO" in result.stderr
    Path("digits.toml").write_text(SMALL.read_text().replace("145", "1" * 5000))
    Path("t.toml").write_text('[timeline]\nname = "t"\nbase = "digits.toml"\n'
                              '[stages.a]\ndate = 2025-01-01\n')
    result = invoke("timeline", "t.toml")
    assert result.exit_code == 2, result.stderr
    assert "set_int_max_str_digits" not in result.stderr


# --------------------------------------------------------------------------- exit codes (6)


def scenario(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def many_levers(players: int, levers: int) -> str:
    lines = ['[scenario]\nname = "wide"\n']
    for p in range(players):
        for k in range(levers if p == 0 else 1):  # the first player has ``levers``
            lines.append(f"[players.P{p}.levers.l{p}_{k}]\nlevels = {{ a = 0 }}\n")
    lines.append("[payoffs]\n" + "".join(f'P{p} = "0"\n' for p in range(players)))
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("players", "levers", "expected"),
    [
        (2, 70, "expected 1 to 32 levers, got 70"),
        (70, 1, "expected at most 32 players, got 70"),
    ],
)
def test_too_many_levers_or_players_is_bad_input(tmp_path, players, levers, expected):
    path = scenario(tmp_path, many_levers(players, levers))
    assert_error(invoke("show", path), 2, expected)


def test_the_largest_players_and_levers_work(tmp_path):
    path = scenario(tmp_path, many_levers(2, 32))
    assert invoke("show", path).exit_code == 0


def test_payoffs_at_the_documented_maximum_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = scenario(
        tmp_path,
        """
[scenario]
name = "huge-payoffs"
[game]
players = ["Row", "Column"]
strategies = { Row = ["a", "b"], Column = ["c", "d"] }
payoffs = { Row = [[1e15, -1e15], [-1e15, 1e15]], Column = [[-1e15, 1e15], [1e15, -1e15]] }
""",
    )
    result = invoke("run", path, "--no-figures")
    assert result.exit_code == 0, result.stderr
    from sim.scenario import load_scenario
    from sim.scenario.build import build_game
    from sim.solvers.security import security_levels

    levels = security_levels(build_game(load_scenario(path)).payoffs)
    assert [s.mixed_level for s in levels] == pytest.approx([0.0, 0.0], abs=1.0)


def test_a_path_component_over_name_max_is_bad_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    long = "x" * 300
    assert_error(invoke("show", f"{long}.toml"), 2, "File name too long")
    assert_error(invoke("show", f"scenarios/{long}.toml"), 2, "scenarios/x")
    assert_error(invoke("run", SMALL, "--out", long), 2, "cannot write")
    assert_error(invoke("export", SMALL, "--out", f"{long}/g.nfg"), 2, "cannot write")


@pytest.mark.parametrize(
    "args",
    [
        ["run", SMALL, "--seed", "-1"],
        ["sweep", SMALL, "--vary", "w", "--seed", "-1"],
        ["compare", SMALL, LONDON, "--seed", "-1"],
        ["continuous", ROOT / "scenarios/classroom/tariff-war.toml", "--seed", "-1"],
        ["learn", SMALL, "--seed", "-1"],
        ["play", SMALL, "--as", "US", "--against", "grim", "--seed", "-1"],
        ["show", SMALL, "--rows", "-1"],
        ["solve", SMALL, "--max-supports", "-1"],
        ["sweep", SMALL, "--vary", "w=0.1:0.9:3", "--max-points", "-1"],
        ["--max-cells", "-5", "show", SMALL],
        ["--max-run-periods", "-5", "show", SMALL],
        ["run", SMALL, "--max-cells", "-5"],
        ["--max-cells", "many", "show", SMALL],
        ["--no-such-option", "show", SMALL],
    ],
)
def test_negative_numbers_and_global_usage_errors_are_one_line(args):
    line = assert_error(invoke(*args), 2)
    assert "over the limit" not in line


def test_a_huge_limited_punishment_is_bad_input():
    assert_error(
        invoke(
            "truce",
            SMALL,
            "--strategies",
            "limited:99999999999999999999",
            "--runs",
            "2",
            "--no-figures",
        ),
        2,
        "from 1 to 1,000,000,000",
    )


@pytest.mark.parametrize("runs", ["1", "1000000000000"])
@pytest.mark.parametrize("command", ["sweep", "compare"])
def test_survival_runs_that_cannot_give_an_answer_are_bad_input(
    tmp_path, monkeypatch, command, runs
):
    monkeypatch.chdir(tmp_path)
    args = (
        [command, SMALL, "--vary", "w=0.1:0.9:3"]
        if command == "sweep"
        else [command, SMALL, LONDON]
    )
    assert_error(invoke(*args, "--runs", runs, "--workers", "1"), 2, "--runs")
    assert list(tmp_path.iterdir()) == []


def test_a_command_max_cells_of_zero_is_zero(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_error(invoke("run", SMALL, "--max-cells", "0"), 3, "over the limit of 0")


# --------------------------------------------------------------------------- names (7)


@pytest.mark.parametrize("name", ["True", "None", "exp", "max", "lambda", "and", "if"])
@pytest.mark.parametrize("table", ["terms", "assumptions", "lever"])
def test_reserved_names_are_refused_with_their_line(tmp_path, name, table):
    text = SMALL.read_text()
    if table == "terms":
        text = text.replace('pain = "tariff / 100 * w"', f'pain = "tariff / 100 * w"\n{name} = "1"')
    elif table == "assumptions":
        text = text.replace(
            "w = { value", f'{name} = {{ value = 1, range = [0, 2], why = "x" }}\nw = {{ value'
        )
    else:
        text = text.replace(
            "[players.China.levers.rare]",
            f"[players.US.levers.{name}]\nlevels = {{ a = 0 }}\n[players.China.levers.rare]",
        )
    path = scenario(tmp_path, text)
    line = assert_error(invoke("show", path), 2, f"'{name}' is a reserved word")
    number = next(
        i
        for i, t in enumerate(text.splitlines(), 1)
        if t.startswith(f"{name} =") or t == f"[players.US.levers.{name}]"
    )
    assert f"s.toml:{number}:" in line


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
def test_serve_refuses_a_special_file_as_its_database(tmp_path, kind):
    """``serve --db`` on a FIFO blocked for ever in SQLite's open; on /dev/zero it was an
    internal error."""
    db = tmp_path / "class.db"
    if kind == "fifo":
        os.mkfifo(db)
    else:
        db.symlink_to(kind)
    assert_error(invoke("serve", "--db", db), 2, "not a regular file")
