"""The README documents every CLI command with an example, after the two set-up commands."""

from pathlib import Path

from pipeline.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    assert README.index("make run") < README.index("make test") < README.index("## Wat is")


def test_every_cli_command_is_in_the_readme_with_an_example():
    for name, command in main.commands.items():
        assert f"kennisbank {name}" in README, name
        assert "Voorbeeld:" in (command.help or ""), name


def test_the_readme_states_the_separator_rules_of_the_contract():
    """The same sentences as the sheet's notes, its Toelichting tab and the guide
    (pipeline/contract/explain.py, from schemas/fields.yml)."""
    from pipeline.contract.explain import link_rule, list_rule

    assert list_rule() in README
    assert link_rule() in README
