"""The bureau's pages, one module per page group."""
