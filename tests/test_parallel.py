"""sim/parallel.py: the same seed gives identical results serially, on a pool and on Dask."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest

from sim.analyses import points as pt
from sim.analyses import sweep as sg
from sim.errors import InputError
from sim.parallel import check_workers, run_tasks, task_seeds
from sim.scenario import parse_scenario

# the prisoner's dilemma of tests/analyses/test_sensitivity.py: temptation t, noise slip
PD_TOML = (Path(__file__).parent / "data" / "pd-temptation.toml").read_text()
PD = parse_scenario(tomllib.loads(PD_TOML), text=PD_TOML)
SETTINGS = pt.Settings(runs=300)


def _draw(context: int, task: tuple[int, np.random.SeedSequence]) -> tuple[int, float]:
    index, seed = task
    return index, float(np.random.default_rng(seed).random() + context)


def _jobs(n: int = 20) -> tuple[pt.Context, list[pt.Task]]:
    # a 2-D sweep (temptation x noise), every point with its own simulation
    axes = [sg.Axis("t", 3.5, 8.0, 5), sg.Axis("slip", 0.0, 0.2, n // 5)]
    ctx = pt.context_for(PD, SETTINGS)
    return ctx, sg.grid_tasks(axes, task_seeds(11, n))


def test_task_seeds_depend_only_on_the_run_seed_and_the_index():
    a, b = task_seeds(3, 5), task_seeds(3, 8)
    for x, y in zip(a, b, strict=False):
        assert np.random.default_rng(x).random() == np.random.default_rng(y).random()
    assert np.random.default_rng(a[0]).random() != np.random.default_rng(a[1]).random()
    with pytest.raises(InputError, match="--seed"):
        task_seeds(-1, 2)


def test_workers_are_checked():
    assert check_workers(None) >= 1
    assert check_workers(3) == 3
    for bad in (0, -2, True, 1.5):
        with pytest.raises(InputError, match="--workers"):
            check_workers(bad)


def test_order_and_values_do_not_depend_on_the_backend():
    tasks = list(enumerate(task_seeds(0, 30)))
    serial = run_tasks(_draw, 1, tasks, workers=1)
    assert [i for i, _ in serial] == list(range(30))
    assert run_tasks(_draw, 1, tasks, workers=2) == serial


def test_sweep_identical_with_one_and_two_workers():
    ctx, tasks = _jobs()
    done = []
    one = run_tasks(pt.run_task, ctx, tasks, workers=1, progress=done.append)
    two = run_tasks(pt.run_task, ctx, tasks, workers=2)
    assert done == list(range(1, 21))
    assert one == two
    assert len({p.truce.survival for p in one}) > 2  # the simulations really ran


@pytest.fixture(scope="module")
def cluster():
    pytest.importorskip("distributed", reason="the dask extra (dask[distributed]) is absent")
    import dask
    from distributed import LocalCluster

    # a loaded 2-core machine can be slow to start worker processes: allow time, retry once
    with dask.config.set({"distributed.comm.timeouts.connect": "60s"}):
        for attempt in (1, 2):
            try:
                c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 dashboard_address=None)
                break
            except (OSError, TimeoutError) as exc:
                if attempt == 2:
                    pytest.skip(f"could not start a Dask LocalCluster here ({exc})")
        with c:
            yield c


def test_sweep_identical_on_a_dask_local_cluster(cluster):
    from distributed import Client

    ctx, tasks = _jobs()
    one = run_tasks(pt.run_task, ctx, tasks, workers=1)
    with Client(cluster) as client:
        on_dask = run_tasks(pt.run_task, ctx, tasks, scheduler=client)
    by_address = run_tasks(pt.run_task, ctx, tasks, scheduler=cluster.scheduler_address)
    assert on_dask == one
    assert by_address == one


def test_sweep_command_gives_the_same_files_on_dask(cluster, tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app

    path = tmp_path / "pd.toml"
    path.write_text(PD_TOML)
    args = ["sweep", str(path), "--vary", "t=3.5:8:4", "--vary", "slip=0:0.2:3", "--runs",
            "200", "--no-figures", "--seed", "4"]
    docs = []
    for extra in (["--workers", "1"], ["--scheduler", cluster.scheduler_address]):
        out = tmp_path / extra[0].strip("-")
        result = CliRunner().invoke(app, [*args, *extra, "--out", str(out)])
        assert result.exit_code == 0, result.output
        doc = json.loads((out / "pd-t-sweep-t-slip" / "sweep.json").read_text())
        doc.pop("command")
        docs.append(doc)
    assert docs[0] == docs[1]
    assert docs[0]["tipping_points"]  # the truce stops holding at t = 6 on every noise row


def test_unreachable_scheduler_is_one_clear_error(monkeypatch):
    pytest.importorskip("distributed", reason="the dask extra (dask[distributed]) is absent")
    monkeypatch.setattr("sim.parallel.CONNECT_TIMEOUT", "2s")
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        run_tasks(_draw, 0, [(0, np.random.SeedSequence(0))],
                  scheduler="tcp://127.0.0.1:9")
