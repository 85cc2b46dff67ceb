"""Atomic, safe outputs (issue #9, point 4).

The kill test runs ``tradesim run`` in a subprocess again and again, alternating two
scenarios A and B that share a name (so a results directory from each differs in every
file), and interrupts it at random moments with SIGINT, SIGTERM or SIGKILL, half the time
right as it starts writing figures into the staging directory. After each round the
results directory must be byte-identical to a reference run of A or of B, and to the one
that was there before or the one being written. Rounds: ``TRADESIM_KILL_ROUNDS``
(default 8). The unit tests below check the same guarantee of
:func:`sim.io.staged_directory` directly, also for the two-rename fallback.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sim import io
from sim.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SMALL = (ROOT / "tests" / "data" / "small.toml").read_text(encoding="utf-8")
VARIANTS = {
    "a.toml": SMALL,
    "b.toml": SMALL.replace('China = "pain - chips + rare"', 'China = "pain - 2*chips + rare"'),
}
ROUNDS = int(os.environ.get("TRADESIM_KILL_ROUNDS", "8"))
CHILD_ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg",
             "OPENBLAS_NUM_THREADS": "1"}


def tradesim(*args: str) -> list[str]:
    return [sys.executable, "-m", "sim.cli", *args]


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` by relative path (an empty dict if it is missing)."""
    if not directory.exists():
        return {}
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """Hidden staging entries; the fallback swap's lock file ``.NAME.lock`` may stay."""
    return sorted(p.name for p in out.iterdir()
                  if p.name.startswith(".") and not p.name.endswith(".lock"))


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("atomic")
    for name, text in VARIANTS.items():
        (work / name).write_text(text, encoding="utf-8")
    return work


@pytest.fixture(scope="module")
def references(work: Path) -> dict[str, dict[str, bytes]]:
    """Complete results of A and B, each from its own clean directory."""
    refs = {}
    for name, text in VARIANTS.items():
        ref = work / f"ref-{name}"
        ref.mkdir()
        (ref / name).write_text(text, encoding="utf-8")
        subprocess.run(tradesim("run", name, "--out", "out"), cwd=ref, env=CHILD_ENV,
                       check=True, capture_output=True, timeout=300)
        refs[name] = snapshot(ref / "out" / "t")
    assert refs["a.toml"] != refs["b.toml"]
    assert {"results.json", "summary.md", "figures/payoff_heatmap.png"} <= set(refs["a.toml"])
    for key in refs["a.toml"]:  # every file tells A from B, so a mix cannot pass as either
        assert refs["a.toml"][key] != refs["b.toml"][key], key
    return refs


def which(state: dict[str, bytes], refs: dict[str, dict[str, bytes]]) -> str:
    for name, ref in refs.items():
        if state == ref:
            return name
    changed = sorted(k for k in state.keys() | refs["a.toml"].keys()
                     if state.get(k) != refs["a.toml"].get(k))
    pytest.fail(f"results directory is partial or mixed (differs from A in {changed})")


def run_and_kill(work: Path, scenario: str, rng: random.Random, duration: float) -> int:
    """Start a run of ``scenario``; send a random signal at a random moment; its exit code."""
    sig = rng.choice([signal.SIGINT, signal.SIGTERM, signal.SIGINT, signal.SIGTERM,
                      signal.SIGKILL])
    proc = subprocess.Popen(tradesim("run", scenario, "--out", "out"), cwd=work,
                            env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    if rng.random() < 0.5:  # right as figures are drawn into the staging directory
        assert proc.stderr is not None
        for line in proc.stderr:
            if "drawing" in line:
                time.sleep(rng.uniform(0, 0.3))
                break
    else:
        time.sleep(rng.uniform(0, 1.2 * duration))
    if proc.poll() is None:
        proc.send_signal(sig)
    _out, err = proc.communicate(timeout=300)
    code = proc.returncode
    assert code in {0, 1, 130, 143, -signal.SIGINT, -signal.SIGTERM, -signal.SIGKILL}, (
        f"exit code {code} after {sig!r}: {err}")
    if code in {130, 143}:  # a handler ran: ours, or typer's just before or after a command
        assert "Traceback" not in err, err
    return code


def test_killed_runs_leave_previous_or_new_complete_results(work, references):
    out = work / "out" / "t"
    start = time.monotonic()
    subprocess.run(tradesim("run", "a.toml", "--out", "out"), cwd=work, env=CHILD_ENV,
                   check=True, capture_output=True, timeout=300)
    duration = time.monotonic() - start
    assert which(snapshot(out), references) == "a.toml"
    rng = random.Random(9)
    previous, codes = "a.toml", []
    for i in range(ROUNDS):
        new = "b.toml" if previous == "a.toml" else "a.toml"
        codes.append(run_and_kill(work, new, rng, duration))
        now = which(snapshot(out), references)
        assert now in {previous, new}, f"round {i}"
        previous = now
    # a final complete run cleans up what SIGKILLed runs left behind
    subprocess.run(tradesim("run", "a.toml", "--out", "out"), cwd=work, env=CHILD_ENV,
                   check=True, capture_output=True, timeout=300)
    assert which(snapshot(out), references) == "a.toml"
    assert leftovers(work / "out") == []
    assert any(c != 0 for c in codes), "no round was actually interrupted"


def test_two_concurrent_runs_into_one_directory_do_not_corrupt_it(work, references):
    out = work / "out" / "t"
    for _ in range(2):
        procs = [subprocess.Popen(tradesim("run", name, "--out", "out"), cwd=work,
                                  env=CHILD_ENV, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
                 for name in VARIANTS]
        for p in procs:
            _out, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
        assert which(snapshot(out), references) in VARIANTS
        assert leftovers(work / "out") == []


# --------------------------------------------------------------------------- unit tests


def fill(stage: Path, tag: str) -> None:
    io.atomic_write_text(stage / "results.json", tag)
    io.atomic_write_text(stage / "figures" / "f.txt", tag)


@pytest.fixture(params=["exchange", "two renames"])
def swap_mode(request, monkeypatch):
    if request.param == "two renames":
        monkeypatch.setattr(io, "_libc", None)
    elif not io.EXCHANGE_AVAILABLE:
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available on this system")
    return request.param


def test_staged_directory_replaces_whole_or_not_at_all(tmp_path, swap_mode):
    target = tmp_path / "res"
    with io.staged_directory(target, marker="results.json") as stage:
        fill(stage, "one")
    assert snapshot(target) == {"results.json": b"one", "figures/f.txt": b"one"}

    def interrupted_run() -> None:
        with io.staged_directory(target, marker="results.json") as stage:
            fill(stage, "two")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_run()
    assert snapshot(target) == {"results.json": b"one", "figures/f.txt": b"one"}
    with io.staged_directory(target, marker="results.json") as stage:
        io.atomic_write_text(stage / "results.json", "three")
    assert snapshot(target) == {"results.json": b"three"}  # replaced whole: no stale figure
    assert leftovers(tmp_path) == []


def test_concurrent_swaps_leave_one_complete_directory(tmp_path, swap_mode):
    target = tmp_path / "res"
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            for _ in range(20):
                with io.staged_directory(target) as stage:
                    fill(stage, tag)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in "xyz"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    state = snapshot(target)
    assert state in [{"results.json": t.encode(), "figures/f.txt": t.encode()} for t in "xyz"]
    assert leftovers(tmp_path) == []


def test_refuses_to_replace_a_directory_that_is_not_results(tmp_path):
    target = tmp_path / "res"
    target.mkdir()
    (target / "thesis.tex").write_text("precious")
    with pytest.raises(InputError, match=r"has no results\.json.*--out"), \
            io.staged_directory(target, marker="results.json"):
        pytest.fail("the body must not run")
    assert (target / "thesis.tex").read_text() == "precious"


def test_replaces_a_directory_holding_only_known_entries(tmp_path):
    target = tmp_path / "res"
    (target / "figures").mkdir(parents=True)  # e.g. `tradesim truce` drew its figures here
    with io.staged_directory(target, marker="results.json", known=("figures",)) as stage:
        io.atomic_write_text(stage / "results.json", "new")
    assert snapshot(target) == {"results.json": b"new"}


def test_refuses_to_replace_a_file(tmp_path):
    target = tmp_path / "res"
    target.write_text("a file")
    with pytest.raises(InputError, match="not a directory"), io.staged_directory(target):
        pytest.fail("the body must not run")
    with pytest.raises(InputError, match="is a directory"):
        io.atomic_write_text(tmp_path, "x")


def test_leftovers_of_dead_processes_are_cleaned_and_old_restored(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    target = tmp_path / "res"
    old = tmp_path / f".res.{pid}.abc_1.old"  # a fallback swap killed between its renames
    old.mkdir()
    (old / "results.json").write_text("previous")
    (tmp_path / f".res.{pid}.def_2.tmp").mkdir()  # a staging directory of a killed run
    alive = tmp_path / f".res.{os.getppid()}.ghi_3.tmp"  # a live process's: kept
    alive.mkdir()
    with pytest.raises(RuntimeError), io.staged_directory(target):
        raise RuntimeError
    assert snapshot(target) == {"results.json": b"previous"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["res", alive.name])


def test_written_files_follow_the_umask(tmp_path):
    with io.staged_directory(tmp_path / "res") as stage:
        io.atomic_write_text(stage / "results.json", "{}")
    mode = stat.S_IMODE((tmp_path / "res" / "results.json").stat().st_mode)
    assert mode == io.FILE_MODE
    assert stat.S_IMODE((tmp_path / "res").stat().st_mode) == io.DIR_MODE


@pytest.mark.parametrize("layout", ["out is a file", "out/t is a file", "out/t is not ours"])
def test_run_refuses_a_bad_output_location_before_the_analysis(tmp_path, monkeypatch, layout):
    from typer.testing import CliRunner

    from sim.cli import app

    monkeypatch.chdir(tmp_path)
    if layout == "out is a file":
        Path("out").write_text("x")
    elif layout == "out/t is a file":
        Path("out").mkdir()
        Path("out/t").write_text("x")
    else:
        Path("out/t").mkdir(parents=True)
        Path("out/t/thesis.tex").write_text("x")
    before = snapshot(tmp_path)
    result = CliRunner().invoke(app, ["run", str(ROOT / "tests/data/small.toml"),
                                      "--out", "out"])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: cannot write out/t"
                                                            if "file" in layout else
                                                            "error: out/t exists")
    assert result.stdout == ""  # stopped before the analysis printed anything
    assert snapshot(tmp_path) == before
