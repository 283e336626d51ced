"""The harness's top: the `freshservice-harness` command, replays of scenario files, and (later)
the contract suites a release must pass. It reaches the server under test only through its
command line, HTTP and MCP, so it can check any server build, ours or another."""
