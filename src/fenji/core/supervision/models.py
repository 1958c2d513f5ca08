"""监督考核: the records of the upper level's checks on the lower."""
