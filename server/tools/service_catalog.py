"""Service catalog tools: fetchServiceCatalogItemSearch, fetchServiceCatalogItem,
fetchServiceCatalogItems, placeRequestServiceCatalogItem."""

from __future__ import annotations

TOOLSET = "service_catalog"
