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
