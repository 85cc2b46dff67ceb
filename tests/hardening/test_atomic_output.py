"""Atomic, safe outputs (issue #9, point 4).

The kill test runs ``tradesim run`` in a subprocess again and again, alternating two
scenarios A and B that share a name (so a results directory from each differs in every
file), and interrupts it at random moments with SIGINT, SIGTERM or SIGKILL, half the time
right as it starts writing figures into the staging directory. After each round the
results directory must be byte-identical to a reference run of A or of B, and to the one
that was there before or the one being written. Rounds: ``TRADESIM_KILL_ROUNDS``
(default 8). The unit tests below check the same guarantee of
:func:`sim.staging.staged_directory` directly, also for the two-rename fallback.
"""

from __future__ import annotations

import json
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

from sim import io, staging
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
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != staging.MANIFEST
    }


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
        monkeypatch.setattr(staging, "_libc", None)
    elif not staging.EXCHANGE_AVAILABLE:
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available on this system")
    return request.param


def test_staged_directory_replaces_whole_or_not_at_all(tmp_path, swap_mode):
    target = tmp_path / "res"
    with staging.staged_directory(target) as stage:
        fill(stage, "one")
    assert snapshot(target) == {"results.json": b"one", "figures/f.txt": b"one"}

    def interrupted_run() -> None:
        with staging.staged_directory(target) as stage:
            fill(stage, "two")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_run()
    assert snapshot(target) == {"results.json": b"one", "figures/f.txt": b"one"}
    with staging.staged_directory(target) as stage:
        io.atomic_write_text(stage / "results.json", "three")
    assert snapshot(target) == {"results.json": b"three"}  # replaced whole: no stale figure
    assert leftovers(tmp_path) == []


def test_concurrent_swaps_leave_one_complete_directory(tmp_path, swap_mode):
    target = tmp_path / "res"
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            for _ in range(20):
                with staging.staged_directory(target) as stage:
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
    with (
        pytest.raises(
            InputError,
            match=r"holds thesis\.tex, which tradesim did not write.*"
            r"--out",
        ),
        staging.staged_directory(target),
    ):
        pytest.fail("the body must not run")
    assert (target / "thesis.tex").read_text() == "precious"


@pytest.mark.parametrize(
    "where", ["results.json", "notes.txt", "figures/mine.png", "figures/deep/mine.png"]
)
def test_refuses_to_replace_results_a_user_added_a_file_to(tmp_path, where):
    target = tmp_path / "res"
    with staging.staged_directory(target) as stage:
        fill(stage, "one")
    mine = target / where
    if mine.exists():  # a file the tool wrote but the user replaced by a directory of theirs
        mine.unlink()
        mine = mine / "mine.txt"
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text("precious")
    with (
        pytest.raises(InputError, match="which tradesim did not write"),
        staging.staged_directory(target),
    ):
        pytest.fail("the body must not run")
    assert mine.read_text() == "precious"


def test_replaces_a_directory_whose_files_manifests_list(tmp_path):
    target = tmp_path / "res"
    with staging.staged_directory(target / "figures") as stage:  # as `tradesim truce` draws
        io.atomic_write_text(stage / "f.png", "png")
    (target / "empty").mkdir()
    with staging.staged_directory(target) as stage:
        io.atomic_write_text(stage / "results.json", "new")
        (stage / "figures").mkdir()
        io.atomic_write_text(stage / "figures" / "g.png", "g")
    assert snapshot(target) == {"results.json": b"new", "figures/g.png": b"g"}
    manifest = json.loads((target / staging.MANIFEST).read_text())
    assert manifest["files"] == ["figures/g.png", "results.json"]


def test_a_long_target_name_gets_a_staging_name_within_name_max(tmp_path):
    target = tmp_path / ("r" * 255)  # the longest name a file system allows
    for text in ("one", "two"):
        with staging.staged_directory(target) as stage:
            io.atomic_write_text(stage / "results.json", text)
    assert snapshot(target) == {"results.json": b"two"}
    assert leftovers(tmp_path) == []


def test_refuses_to_replace_a_file(tmp_path):
    target = tmp_path / "res"
    target.write_text("a file")
    with pytest.raises(InputError, match="not a directory"), staging.staged_directory(target):
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
    staging._write_manifest(old)
    (tmp_path / f".res.{pid}.def_2.tmp").mkdir()  # a staging directory of a killed run
    alive = tmp_path / f".res.{os.getppid()}.ghi_3.tmp"  # a live process's: kept
    alive.mkdir()
    with pytest.raises(RuntimeError), staging.staged_directory(target):
        raise RuntimeError
    assert snapshot(target) == {"results.json": b"previous"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["res", alive.name])


def test_written_files_follow_the_umask(tmp_path):
    with staging.staged_directory(tmp_path / "res") as stage:
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


READ_ONLY_RESULTS = """
import os, sys
from pathlib import Path
from sim import io, staging
target = Path(sys.argv[1]) / "res"
for tag in ("one", "two"):
    with staging.staged_directory(target) as stage:
        io.atomic_write_text(stage / "results.json", tag)
        io.atomic_write_text(stage / "figures" / "f.png", tag)
    for d in (target / "figures", target):  # the user made the old results read-only
        os.chmod(d, 0o555)
"""


def test_read_only_old_results_leave_no_hidden_copy(tmp_path):
    """Item 9: the swapped-out old results were read-only, so removing them failed and a
    hidden ``.res.PID.*.tmp`` copy stayed for ever. Run without root's override of file
    permissions so the test means something as root too."""
    from hardening.test_command_inputs import _drop_file_read_override

    proc = subprocess.run(
        [sys.executable, "-c", READ_ONLY_RESULTS, str(tmp_path)],
        env=CHILD_ENV,
        preexec_fn=_drop_file_read_override,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert snapshot(tmp_path / "res") == {"results.json": b"two", "figures/f.png": b"two"}
    assert leftovers(tmp_path) == []
    for d in (tmp_path / "res", tmp_path / "res" / "figures"):
        os.chmod(d, 0o755)
