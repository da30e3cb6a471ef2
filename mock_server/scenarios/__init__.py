"""Example scenario files for `nmbrs-mock serve --scenario FILE` (shipped as package data)."""

from pathlib import Path

EXAMPLE = Path(__file__).with_name("example.toml")
