"""freshservice-mcp: an MCP server with the 34 tools of Freshworks' hosted Freshservice server."""

__version__ = "0.1.0"
