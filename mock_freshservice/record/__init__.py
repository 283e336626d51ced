"""`mock-freshservice record`: a recording proxy in front of a real Freshservice, whose scrubbed
recording is a cassette (mock_freshservice/cassette.py) that `serve --cassette` replays.

- `cli.py`: the command line (light to import: `--help` loads nothing of the rest);
- `proxy.py`: forwarding, recording and writing the cassette and its report;
- `scrub.py`: the scrubbing, its rules (`rules.yaml` is the built-in set) and their format.
"""

# The secret the fakes are worked out from (scrub.py); a name, not a secret.
SECRET_VARIABLE = "MOCK_FRESHSERVICE_SCRUB_SECRET"  # noqa: S105
