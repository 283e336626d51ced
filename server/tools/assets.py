"""Asset tools: fetchAssets, fetchAsset, createAsset, updateAsset."""

from __future__ import annotations

TOOLSET = "assets"
