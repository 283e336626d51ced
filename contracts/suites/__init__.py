"""The contract suites a release must pass, run by `freshservice-harness check` (pytest, with the
harness plugin's fixtures pointed at the server under test)."""
