"""The macros the pages call, one module per part of the data they show; `env` registers them."""
