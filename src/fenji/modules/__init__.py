"""Profile modules (veterans, office, league, discipline, labor): they import core, never each other."""
