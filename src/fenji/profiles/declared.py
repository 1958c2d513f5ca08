"""Registers every profile (imported once, by ``ProfilesConfig.ready``)."""

from fenji.core.kernel import profiles

from . import default, discipline, labor, league, office, veterans

for _module in (default, veterans, office, league, discipline, labor):
    profiles.register(_module.PROFILE)
