from __future__ import annotations

import pytest

from spinscope.config import load_settings
from spinscope.errors import ConfigError


def test_layers_apply_in_order(tmp_path) -> None:
    user = tmp_path / "s.toml"
    user.write_text("[limits]\nmax_chars = 10\n", encoding="utf-8")
    settings = load_settings(user, ["limits.fetch_timeout=3"], env={"SPINSCOPE_LIMITS__MAX_CHARS": "20"})
    assert settings["limits"]["max_chars"] == 20  # env over file
    assert settings["limits"]["fetch_timeout"] == 3  # --set
    assert settings["limits"]["max_bytes"] == 20_000_000  # untouched default
    assert load_settings(user, ["limits.max_chars=5"], env={})["limits"]["max_chars"] == 5


def test_set_parses_json_with_string_fallback() -> None:
    settings = load_settings(None, ['pipeline.components=["language"]', "input.format=jsonl"], env={})
    assert settings["pipeline"]["components"] == ["language"]
    assert settings["input"]["format"] == "jsonl"


@pytest.mark.parametrize("bad", ["novalue", "=3"])
def test_bad_override(bad: str) -> None:
    with pytest.raises(ConfigError, match=r"\[E502\]"):
        load_settings(None, [bad], env={})


def test_bad_toml_is_one_line_error(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[limits\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[E501\]"):
        load_settings(bad, env={})


@pytest.mark.parametrize(
    ("override", "pattern"),
    [
        ("limits.max_char=5", r"\[E503\] Unknown setting 'limits.max_char' \(did you mean 'limits.max_chars'\?\)"),
        ("components.techniqes.labels=ptc14", r"\[E503\].*'components.techniques'"),
        ("nosuch.key=1", r"\[E503\] Unknown setting 'nosuch'"),
        ("limits=3", r"\[E505\] Setting 'limits' must be a table"),
        ("limits.max_chars.deep=3", r"\[E502\]"),
        ('warnings.ignore=["W050"]', r"\[E504\].*warning code 'W050'"),
    ],
)
def test_unknown_settings_are_refused_with_the_nearest_key(override: str, pattern: str) -> None:
    with pytest.raises(ConfigError, match=pattern):
        load_settings(None, [override], env={})


def test_unknown_keys_in_files_and_environment_are_refused(tmp_path) -> None:
    user = tmp_path / "s.toml"
    user.write_text("[input]\ntext_feild = 'body'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[E503\].*'input.text_field'"):
        load_settings(user, env={})
    with pytest.raises(ConfigError, match=r"\[E503\].*'limits.fetch_timeout'"):
        load_settings(None, env={"SPINSCOPE_LIMITS__FETCH_TIMEOUTS": "3"})


def test_threshold_overrides_name_real_techniques() -> None:
    from spinscope.api import load_pipeline

    settings = load_settings(None, ["components.techniques.thresholds.Loaded_Language=0.6"], env={})
    assert load_pipeline(settings, only=["techniques"]).step("techniques").overrides == {"Loaded_Language": 0.6}
    settings = load_settings(None, ["components.techniques.thresholds.Loaded_Languag=0.6"], env={})
    with pytest.raises(ConfigError, match=r"\[E504\].*'Loaded_Languag'.*'Loaded_Language'"):
        load_pipeline(settings, only=["techniques"])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("limits.max_chars=abc", "'limits.max_chars' must be an integer, not 'abc'"),
        ("limits.max_chars=true", "'limits.max_chars' must be an integer"),
        ("components.claims.min_claims=2.5", "must be an integer, not 2.5"),
        ("components.claims.all=yes", "'components.claims.all' must be true or false"),
        ("components.claims.floor=high", "must be a number"),
        ("pipeline.components=language", "'pipeline.components' must be a list"),
        ("components.techniques.labels=foo", "must be one of semeval23, ptc14, not 'foo'"),
    ],
)
def test_a_value_of_the_wrong_type_or_outside_its_choices_is_a_coded_error(override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"^\[E505\] Setting ") as caught:
        load_settings(overrides=[override], env={})
    assert message in str(caught.value)


def test_a_number_where_a_float_is_expected_may_be_an_integer() -> None:
    assert load_settings(overrides=["components.claims.floor=0"], env={})["components"]["claims"]["floor"] == 0


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", "examples/article.txt", "--labels", "foo"],
        ["analyze", "examples/article.txt", "--set", "limits.max_chars=abc"],
        ["classify-spans", "examples", "nothing.txt", "--labels", "foo"],
    ],
)
def test_the_cli_names_the_bad_setting_in_one_line_and_exits_2(monkeypatch, capsys, args: list[str]) -> None:
    from tests.conftest import REPO, run_cli

    monkeypatch.chdir(REPO)
    code, _, err = run_cli(monkeypatch, capsys, *args)
    assert code == 2 and "[E505]" in err and "internal error" not in err and len(err.strip().splitlines()) == 1
