"""Settings come from a config file, then the environment, then the command line; bad keys fail loudly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import cli
from generator.config import KEYS, Settings, load_settings
from generator.errors import UsageError
from generator.model import Multilingual

ROOT = Path(__file__).resolve().parent.parent


def settings_for(argv: list[str]) -> Settings:
    """What the command line would build with, without building."""
    return cli.settings_from(cli.parser().parse_args(argv))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder and an environment without our variables."""
    monkeypatch.chdir(tmp_path)
    for variable in ("PRETALX_TOKEN", *(f"PRETALX_STATIC_{key.upper()}" for key in KEYS)):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


@pytest.mark.parametrize(("env", "flags", "expected_out", "expected_hour"), [
    pytest.param({}, [], "from-file", 6, id="file-alone"),
    pytest.param({"PRETALX_STATIC_OUT": "from-env", "PRETALX_STATIC_DAY_CHANGE": "5"}, [], "from-env", 5,
                 id="environment-beats-file"),
    pytest.param({"PRETALX_STATIC_OUT": "from-env", "PRETALX_STATIC_DAY_CHANGE": "5"},
                 ["--out", "from-flag", "--day-change", "3"], "from-flag", 3, id="flags-beat-environment"),
    pytest.param({}, ["--out", "from-flag"], "from-flag", 6, id="a-flag-overrides-only-its-own-key"),
])
def test_file_then_environment_then_flags(workdir: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                          flags: list[str], expected_out: str, expected_hour: int) -> None:
    (workdir / "schedule-site.toml").write_text('out = "from-file"\nday_change = 6\nstrict = true\n')
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)

    settings = settings_for(flags)

    assert settings.out.name == expected_out
    assert settings.day_change_hour == expected_hour
    assert settings.strict is True  # set only in the file, so every layer above leaves it alone


def test_without_any_layer_the_defaults_apply(workdir: Path) -> None:
    settings = settings_for([])

    # no day-change hour: the source's own days decide (else the model's default hour)
    assert (settings.out, settings.day_change_hour, settings.time_zone, settings.config_file) == (
        Path("_site"), None, None, None)


@pytest.mark.parametrize(("name", "text", "key"), [
    pytest.param("schedule-site.toml", 'out = "x"\ncolour = "red"\n', "colour", id="schedule-site-toml"),
    pytest.param("pyproject.toml", '[project]\nname = "x"\n[tool.pretalx-static]\nbase_ulr = "https://x/"\n',
                 "base_ulr", id="pyproject-table"),
])
def test_unknown_key_fails_naming_key_and_file(workdir: Path, capsys: pytest.CaptureFixture[str],
                                               name: str, text: str, key: str) -> None:
    (workdir / name).write_text(text)

    code = cli.main(["--out", str(workdir / "site")])

    assert code != 0
    error = capsys.readouterr().err
    assert "unknown key" in error and repr(key) in error and name in error
    assert not (workdir / "site").exists()


def test_pyproject_table_is_used_when_there_is_no_schedule_site_toml(workdir: Path) -> None:
    (workdir / "pyproject.toml").write_text('[tool.pretalx-static]\nlocales = ["de", "en"]\n')

    settings = settings_for([])

    assert settings.locales == ("de", "en")
    assert settings.config_file == workdir / "pyproject.toml"


def test_pyproject_without_our_table_is_ignored(workdir: Path) -> None:
    (workdir / "pyproject.toml").write_text('[project]\nname = "someone-else"\n')

    assert settings_for([]).config_file is None


def test_explicit_config_wins_over_the_one_in_the_current_folder(workdir: Path) -> None:
    (workdir / "schedule-site.toml").write_text('out = "here"\n')
    other = workdir / "elsewhere" / "site.toml"
    other.parent.mkdir()
    other.write_text('out = "there"\n')

    settings = settings_for(["--config", str(other)])

    assert settings.out == other.parent.resolve() / "there"


def test_relative_paths_in_a_config_file_are_relative_to_the_file(workdir: Path) -> None:
    config = workdir / "conf" / "schedule-site.toml"
    config.parent.mkdir()
    config.write_text('out = "public"\ntemplates = ["theme/templates"]\nstatic = "theme/static"\n')

    settings = settings_for(["--config", str(config)])

    base = config.parent.resolve()
    assert settings.out == base / "public"
    assert settings.templates_dirs == (base / "theme" / "templates",)
    assert settings.static_dirs == (base / "theme" / "static",)


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("day_change = 25\n", "day_change must be a number from 0 to 23", id="hour-out-of-range"),
    pytest.param('strict = "maybe"\n', "strict must be true or false", id="not-a-boolean"),
    pytest.param('token = "secret"\n', "'token' must not be stored in a config file", id="token-in-file"),
    pytest.param('[[links]]\ntitle = "CoC"\nurl = "javascript:alert(1)"\n', "url must be an absolute http(s) URL",
                 id="link-not-http"),
    pytest.param("out = [\n", "cannot read config file", id="broken-toml"),
])
def test_bad_values_fail_naming_the_key_and_file(workdir: Path, text: str, message: str) -> None:
    config = workdir / "schedule-site.toml"
    config.write_text(text)

    with pytest.raises(UsageError) as failure:
        load_settings({}, cwd=workdir, environ={})

    assert message in str(failure.value)
    assert str(config) in str(failure.value)


def test_unknown_environment_variable_is_an_error(workdir: Path) -> None:
    with pytest.raises(UsageError, match="PRETALX_STATIC_OUTPUT"):
        load_settings({}, cwd=workdir, environ={"PRETALX_STATIC_OUTPUT": "x"})


def test_empty_environment_variable_counts_as_unset(workdir: Path) -> None:
    # GitHub Actions passes an unset repository variable as an empty string
    settings = load_settings({}, cwd=workdir, environ={"PRETALX_STATIC_SOURCE": "", "PRETALX_STATIC_BASE_URL": ""})

    assert (settings.source, settings.base_url) == (None, None)


def test_token_comes_from_the_environment_and_a_flag_overrides_it(workdir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRETALX_TOKEN", "from-env")

    assert settings_for([]).token == "from-env"
    assert settings_for(["--token", "from-flag"]).token == "from-flag"
    assert "from-flag" not in repr(settings_for(["--token", "from-flag"]))


def test_title_and_links_are_read_in_every_locale(workdir: Path) -> None:
    (workdir / "schedule-site.toml").write_text(
        'title = { en = "DemoCon 2026", de = "DemoKonferenz 2026" }\n'
        '[[links]]\ntitle = "Tickets"\nurl = "https://tickets.example.org/"\n'
        '[[links]]\ntitle = { en = "Venue", de = "Anfahrt" }\nurl = "https://example.org/venue"\n')

    settings = settings_for([])

    assert settings.title == Multilingual.of({"en": "DemoCon 2026", "de": "DemoKonferenz 2026"})
    assert [(link.title.as_dict(), link.url) for link in settings.links] == [
        ({"": "Tickets"}, "https://tickets.example.org/"),
        ({"de": "Anfahrt", "en": "Venue"}, "https://example.org/venue")]


def test_title_from_the_config_file_replaces_the_event_name_on_the_pages(workdir: Path) -> None:
    (workdir / "schedule-site.toml").write_text('title = { en = "Renamed Con", de = "Umbenannte Konferenz" }\n')

    assert cli.main(["--quiet", "--out", "site"]) == 0

    assert "<title>Renamed Con</title>" in (workdir / "site" / "en" / "index.html").read_text()
    assert "<title>Umbenannte Konferenz</title>" in (workdir / "site" / "de" / "index.html").read_text()


def test_extra_links_from_the_config_file_appear_in_every_pages_footer(workdir: Path) -> None:
    (workdir / "schedule-site.toml").write_text(
        '[[links]]\ntitle = { en = "Venue", de = "Anfahrt" }\nurl = "https://example.org/venue"\n')

    assert cli.main(["--quiet", "--out", "site"]) == 0

    link = '<a href="https://example.org/venue">{}</a>'
    assert link.format("Venue") in (workdir / "site/en/talks/index.html").read_text()
    assert link.format("Anfahrt") in (workdir / "site/de/speakers/index.html").read_text()


def test_help_documents_every_option() -> None:
    parser = cli.parser()

    undocumented = [action.option_strings or action.dest for action in parser._actions if not action.help]

    assert undocumented == []
    text = parser.format_help()
    for option in ("--config", "--serve", "--watch", "--mirror-media", "--offline", "--cache-dir"):
        assert option in text


def test_readme_lists_every_config_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    configuration = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    listed = re.search(r"Keys: (.*?)\. The token", configuration, re.S)

    assert listed, "README's Configuration section has no 'Keys:' list"
    assert sorted(re.findall(r"`(\w+)`", listed.group(1))) == sorted(set(KEYS) - {"token"})
