"""What the welfare coordinator gets back: the coverage register and the impact ledger, for an
organisation or a region over its members, as JSON, CSV, XLSX, pages and charts."""
