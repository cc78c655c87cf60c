"""The README documents every command and every option, as sqlite-utils' test_docs does."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from factcheck.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_docs_the_commands_are_what_the_readme_lists():
    assert COMMANDS == sorted({"index", "check", "test", "add-claim", "search", "pairs"})


@pytest.mark.parametrize("command", COMMANDS)
def test_docs_every_command_is_in_the_readme(command):
    assert re.search(rf"factcheck {re.escape(command)}\b", README), command


@pytest.mark.parametrize("command, option", [
    (name, opt) for name in COMMANDS for param in cli.commands[name].params
    if isinstance(param, click.Option) for opt in param.opts if opt.startswith("--")])
def test_docs_every_option_is_in_the_readme(command, option):
    assert re.search(rf"{re.escape(option)}\b", README), f"{command} {option}"


@pytest.mark.parametrize("option", [opt for param in cli.params if isinstance(param, click.Option)
                                    for opt in param.opts if opt.startswith("--")] + ["--version"])
def test_docs_global_options_are_in_the_readme(option):
    assert option in README
