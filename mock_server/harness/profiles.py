"""Run profiles as Hypothesis settings profiles: `quick` for CI (derandomized, no example database),
`deep` for nightly runs (many more examples, an example database in the user's cache)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase

_HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
           HealthCheck.large_base_example]  # fmt: skip


@dataclass(frozen=True)
class Profile:
    name: str
    examples: int  # per operation
    stateful_examples: int  # state machine runs
    stateful_steps: int  # steps per run
    uses_database: bool
    shrink: bool = True


PROFILES = {
    "quick": Profile("quick", examples=6, stateful_examples=10, stateful_steps=25, uses_database=False),
    "deep": Profile("deep", examples=60, stateful_examples=100, stateful_steps=50, uses_database=True),
}


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/nmbrs-mock/hypothesis` (default `~/.cache/...`): never inside the repository."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nmbrs-mock" / "hypothesis"


# Hypothesis keeps caches (and, in the deep profile, its example database) under its home directory:
# the user's cache, never `.hypothesis/` in the working tree (HYPOTHESIS_STORAGE_DIRECTORY overrides).
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(str(cache_dir().parent / "hypothesis-home"))


def database_for(profile: Profile, path: str | None = None) -> ExampleDatabase | None:
    """`path` overrides the profile ("none" turns the database off)."""
    if path is not None:
        return None if path.lower() == "none" else DirectoryBasedExampleDatabase(path)
    return DirectoryBasedExampleDatabase(str(cache_dir())) if profile.uses_database else None


def hypothesis_settings(
    profile: Profile, database: ExampleDatabase | None, examples: int | None = None
) -> settings:
    """The settings of one operation's run (registered as `nmbrs-<profile>` too)."""
    phases = list(Phase) if profile.shrink else [Phase.explicit, Phase.reuse, Phase.generate]
    return settings(
        max_examples=examples or profile.examples,
        deadline=None,
        database=database,
        suppress_health_check=_HEALTH,
        report_multiple_bugs=False,
        phases=[p for p in phases if p is not Phase.explain],
        print_blob=False,
    )


for _profile in PROFILES.values():
    settings.register_profile(f"nmbrs-{_profile.name}", hypothesis_settings(_profile, None))
