"""The generic profile of `freshservice-harness check`: suites for any Freshservice MCP server,
reaching it only through its command line or URL and MCP, and the fake through its journal."""
