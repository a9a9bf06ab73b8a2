"""Component ids of the shell (navbar, filter bar, footer), shared by the pages that read its state."""

from __future__ import annotations

URL = "shell-url"
FILTERS = "shell-filters"  # dcc.Store: the selection as Filters.to_store(), None until the warehouse answers
FISCAL_YEAR = "shell-fiscal-year"
MOA = "shell-moa"
SECTOR = "shell-sector"
AREA = "shell-area"
CLEAR = "shell-clear"
AS_OF = "shell-as-of"
WAREHOUSE_ALERT = "shell-warehouse-alert"
NAV_LINK = "shell-nav-link"  # pattern-matching type; index = the page's path
