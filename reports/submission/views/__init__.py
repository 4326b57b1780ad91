"""The school's pages, one module per page group."""
