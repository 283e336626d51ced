"""Where `freshservice-harness up` serves by default: the MCP server on 127.0.0.1:8000 at /mcp
and the fake on 127.0.0.1:8181. A module of its own, so the CLI's parser reads them without
loading what `up` runs."""

DEFAULT_HOST = "127.0.0.1"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_MCP_PORT = 8000
DEFAULT_FAKE_PORT = 8181
DEFAULT_MCP_URL = f"http://{DEFAULT_HOST}:{DEFAULT_MCP_PORT}/mcp"
