"""`tradesim play`: scripted games through CliRunner and the installed script, bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.cli import play as play_mod

ROOT = Path(__file__).resolve().parents[2]
PD = str(ROOT / "scenarios/classroom/prisoners-dilemma.toml")
LONDON = str(ROOT / "scenarios/london-2025.toml")
CHICKEN = str(ROOT / "scenarios/classroom/chicken.toml")


def run(args: list[str], moves: str):
    return CliRunner().invoke(app, ["play", *args], input=moves)


def pd(against: str, moves: str, *extra: str):
    return run([PD, "--as", "US", "--against", against, "--rounds", "3", *extra], moves)


def china_moves(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines() if line.startswith("  China ")]


def test_the_issue_example_plays_three_rounds_and_sums_up():
    r = pd("tit-for-tat", "comply\ncomply\nbreach\n", "--seed", "1")
    assert r.exit_code == 0, r.output
    assert r.stdout.count("Round ") == 3
    # T=5, R=3, P=1, S=0: (3,3), (3,3), then the US breaches against a complier (5,0)
    assert china_moves(r.stdout) == ["comply", "comply", "comply"]
    assert "Score after 3 rounds: US 11, China 6." in r.stdout
    assert "the truce kept (US: comply | China: comply): US 9, China 9" in r.stdout
    assert "the stage equilibrium (US: breach | China: breach): US 3, China 3" in r.stdout
    assert "2 more than the truce and 8 more than your best equilibrium" in r.stdout


def test_tit_for_tat_answers_a_breach_in_the_next_round():
    r = pd("tft", "breach\ncomply\ncomply\n")
    assert r.exit_code == 0, r.output
    assert china_moves(r.stdout) == ["comply", "breach", "comply"]
    assert "Score after 3 rounds: US 8, China 8." in r.stdout  # 5+0+3 each way


def test_grim_trigger_never_forgives():
    r = pd("grim", "breach\ncomply\ncomply\n")
    assert china_moves(r.stdout) == ["comply", "breach", "breach"]
    assert "Score after 3 rounds: US 5, China 10." in r.stdout


def test_blank_lines_and_comments_in_piped_moves_are_skipped():
    r = pd("comply", "# my moves\ncomply\n\nBREACH\n  breach  \n")
    assert r.exit_code == 0, r.output
    assert "Score after 3 rounds: US 13, China 3." in r.stdout


def test_unknown_move_from_a_pipe_is_one_clear_line():
    r = pd("tft", "comply\ndefect\n")
    assert r.exit_code == 2
    assert r.stderr.strip() == ("error: round 2: unknown move 'defect' for US; expected one "
                                "of: comply, breach")
    assert "Traceback" not in r.output


def test_unknown_move_at_a_terminal_asks_again(monkeypatch):
    typed = iter(["defect", "comply", "comply"])
    monkeypatch.setattr(play_mod.Moves, "__init__", _interactive_init)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    r = run([PD, "--as", "US", "--against", "tft", "--rounds", "2"], "")
    assert r.exit_code == 0, r.output
    assert "unknown move 'defect'; expected one of: comply, breach" in r.stdout
    assert "Score after 2 rounds: US 6, China 6." in r.stdout


def _interactive_init(self, echo):
    self.echo = echo
    self.interactive = True


def test_end_of_input_reports_the_rounds_played():
    r = pd("tft", "comply\n")
    assert r.exit_code == 2
    assert r.stderr.strip() == ("error: standard input ended after 1 of 3 rounds; expected "
                                "one move per line")
    assert "Score after 1 round: US 3, China 3." in r.stdout
    assert "Traceback" not in r.output


def test_ctrl_c_is_a_clear_message_and_exit_130(monkeypatch):
    def interrupt(self, prompt, *, hidden=False):
        raise KeyboardInterrupt

    monkeypatch.setattr(play_mod.Moves, "ask", interrupt)
    r = pd("tft", "comply\n")
    assert r.exit_code == 130
    assert "interrupted after 0 of 3 rounds; the game was not finished" in r.stderr
    assert "Traceback" not in r.output


@pytest.mark.parametrize(("args", "message"), [
    (["--as", "Japan", "--against", "tft"], "--as: got 'Japan'; expected one of: US, China"),
    (["--as", "US", "--against", "nice"], "unknown strategy 'nice'"),
    (["--as", "US"], "expected --as PLAYER and --against STRATEGY (or --two-player)"),
    (["--two-player", "--against", "tft"], "--against and --two-player exclude each other"),
    (["--as", "US", "--against", "tft", "--noise-impl", "1.5"], "--noise-impl must lie in"),
    (["--as", "US", "--against", "tft", "--rounds", "0"], "--rounds: expected a whole number"),
])
def test_bad_options_are_one_line_errors(args, message):
    r = run([PD, *args], "comply\n")
    assert r.exit_code == 2
    assert message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_missing_file_is_a_one_line_error(tmp_path):
    r = run([str(tmp_path / "nope.toml"), "--as", "US", "--against", "tft"], "")
    assert r.exit_code == 2
    assert "nope.toml" in r.stderr
    assert "Traceback" not in r.output


def test_perception_noise_shows_what_each_side_saw():
    # with perception noise 1 every compliance is seen as a breach, so tit-for-tat retaliates
    r = pd("tft", "comply\ncomply\ncomply\n", "--noise-perception", "1")
    assert r.exit_code == 0, r.output
    assert china_moves(r.stdout) == ["comply", "breach", "breach"]
    assert "China saw a breach (perception noise)" in r.stdout
    assert "you saw a breach (perception noise)" in r.stdout
    assert "Perception noise: 3 rounds with a compliance seen as a breach." in r.stdout


def test_implementation_noise_turns_a_meant_compliance_into_a_breach():
    r = pd("comply", "comply\ncomply\ncomply\n", "--noise-impl", "1")
    assert r.stdout.count("(meant to comply; implementation noise)") == 6


def test_the_same_seed_gives_the_same_game():
    args = ("--noise-impl", "0.3", "--noise-perception", "0.3", "--seed", "7")
    first = pd("gtft", "comply\ncomply\ncomply\n", *args)
    again = pd("gtft", "comply\ncomply\ncomply\n", *args)
    assert first.exit_code == 0, first.output
    assert first.stdout == again.stdout


def test_lever_moves_change_the_truce_levels():
    r = run([LONDON, "--as", "China", "--against", "comply", "--rounds", "2"],
            "cn_tariff=war, rare_earths=released\ncomply\n")
    assert r.exit_code == 0, r.output
    assert ("breach (cn_tariff): cn_tariff=war, rare_earths=released, critical_minerals=banned, "
            "farm_access=restricted") in r.stdout
    bad = run([LONDON, "--as", "China", "--against", "comply", "--rounds", "1"], "chips=eased\n")
    assert bad.exit_code == 2
    assert "unknown move 'chips=eased' for China" in bad.stderr


def test_two_players_share_a_terminal():
    r = run([CHICKEN, "--two-player", "--rounds", "2"], "swerve\nstraight\ncomply\nbreach\n")
    assert r.exit_code == 0, r.output
    assert r.stdout.count("(hidden)") == 4
    assert "Score after 2 rounds: Row -2, Column 2." in r.stdout
    assert "Row 0.9×[swerve] + 0.1×[straight]" not in r.stdout  # labels are per player
    assert "Row: 0.9×[swerve] + 0.1×[straight]" in r.stdout


def test_installed_script_with_the_issue_command(tmp_path):
    script = Path(sys.executable).with_name("tradesim")
    if not script.exists():
        pytest.skip("console script not installed next to the interpreter")
    cmd = (f"printf 'comply\\ncomply\\nbreach\\n' | {script} play "
           "scenarios/classroom/prisoners-dilemma.toml --as US --against tit-for-tat "
           "--rounds 3 --seed 1")
    done = subprocess.run(["bash", "-c", cmd], check=False, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    assert "Score after 3 rounds: US 11, China 6." in done.stdout


def test_a_bare_level_name_sets_the_lever_that_has_it():
    chicken = str(ROOT / "scenarios/classroom/tariff-chicken.toml")
    r = run([chicken, "--two-player", "--rounds", "1"], "escalate\nhold\n")
    assert r.exit_code == 0, r.output
    assert "US     breach (us_tariff): us_tariff=escalate" in r.stdout
    assert "Score after 1 round: US 2, China -3." in r.stdout


def test_a_misspelt_hidden_move_is_not_echoed():
    # with two players sharing the terminal the other side must not learn the move from the
    # error, even when it is misspelt ('cmply' gives away that Row meant to comply)
    r = run([PD, "--two-player", "--rounds", "1"], "cmply\ncomply\n")
    assert r.exit_code == 2
    assert "cmply" not in r.output
    assert r.stderr.strip() == ("error: round 1: unknown move (not echoed: moves are hidden) "
                                "for US; expected one of: comply, breach")


def test_a_misspelt_hidden_move_at_a_terminal_is_not_echoed(monkeypatch):
    typed = iter(["cmply", "comply", "breach"])
    monkeypatch.setattr(play_mod.Moves, "__init__", _interactive_init)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    r = run([PD, "--two-player", "--rounds", "1"], "")
    assert r.exit_code == 0, r.output
    assert "cmply" not in r.output
    assert "unknown move (not echoed: moves are hidden); expected one of: comply, breach" \
        in r.stdout


# --------------------------------------------------------------------------- teaching repeated games


def test_the_opponent_is_named_only_at_the_end():
    r = pd("tft", "comply\ncomply\ncomply\n")
    intro, _, rest = r.stdout.partition("Round 1")
    assert "tit-for-tat" not in intro.lower()
    assert "named at the end" in intro
    assert "China played tit-for-tat" in rest
    shown = pd("tft", "comply\ncomply\ncomply\n", "--reveal")
    assert "tit-for-tat" in shown.stdout.partition("Round 1")[0].lower()


def test_discounted_totals_weigh_round_t_by_delta_to_the_t_minus_1():
    # PD delta 0.9: three rounds of mutual compliance are worth 3 + 2.7 + 2.43
    r = pd("tft", "comply\ncomply\ncomply\n")
    assert "Score after 3 rounds: US 9, China 9." in r.stdout
    assert ("Discounted at delta = 0.9 per round (round t counts delta^(t-1)): "
            "US 8.13, China 8.13; the truce kept: US 8.13, China 8.13.") in r.stdout


def _random_game(seed: int, p: str = "0.5"):
    return run([PD, "--as", "US", "--against", "tft", "--continuation", p, "--seed", str(seed)],
               "comply\n" * 200)


def test_a_random_end_is_not_announced_and_depends_on_the_seed():
    r = _random_game(1)
    assert r.exit_code == 0, r.output
    assert "nobody knows which round is the last" in r.stdout
    assert " of " not in "".join(x for x in r.stdout.splitlines() if x.startswith("Round"))
    assert r.stdout.rstrip().count("The game ends here.") == 1
    assert _random_game(1).stdout == r.stdout
    lengths = {_random_game(s).stdout.count("\nRound ") for s in range(8)}
    assert len(lengths) > 1


def test_the_number_of_rounds_is_geometric_with_the_continuation_probability():
    # P(n rounds) = p^(n-1) (1 - p): mean 1 / (1 - p) = 2 at p = 0.5, sd sqrt(2)
    n = [_random_game(s).stdout.count("\nRound ") for s in range(120)]
    mean = sum(n) / len(n)
    assert abs(mean - 2.0) < 3 * 2 ** 0.5 / len(n) ** 0.5
    assert sum(k == 1 for k in n) / len(n) == pytest.approx(0.5, abs=0.15)


def test_by_default_the_game_ends_at_random_with_the_files_delta():
    r = run([PD, "--as", "US", "--against", "tft", "--seed", "2"], "comply\n" * 400)
    assert r.exit_code == 0, r.output
    assert "another follows with probability 0.9;" in r.stdout
    assert "(10 rounds on average)" in r.stdout
    bad = run([PD, "--as", "US", "--against", "tft", "--continuation", "1"], "comply\n")
    assert bad.exit_code == 2
    assert "--continuation: expected a probability strictly between 0 and 1" in bad.stderr
    both = run([PD, "--as", "US", "--against", "tft", "--continuation", "0.5",
                "--rounds", "3"], "comply\n")
    assert both.exit_code == 2


def test_a_concession_is_not_a_breach():
    # China releases rare earths and eases farm access: more than the truce asks
    r = run([LONDON, "--as", "China", "--against", "tft", "--rounds", "2"],
            "rare_earths=released, farm_access=eased\ncomply\n")
    assert r.exit_code == 0, r.output
    assert "China  concession: cn_tariff=geneva, rare_earths=released" in r.stdout
    assert r.stdout.count("US     comply:") == 2  # tit-for-tat saw no breach


def test_a_breach_is_answered_in_kind_not_with_the_whole_escalation():
    # the US raises its tariff; tit-for-tat China answers on tariffs only, not by holding
    # rare earths back or banning minerals (the file's escalation does all of that)
    r = run([LONDON, "--as", "US", "--against", "tft", "--rounds", "2"],
            "us_tariff=war\ncomply\n")
    assert r.exit_code == 0, r.output
    assert "US     breach (us_tariff): us_tariff=war" in r.stdout
    answer = [x for x in r.stdout.splitlines() if x.startswith("  China")][1]
    assert "breach (cn_tariff): cn_tariff=war, rare_earths=slowed" in answer
