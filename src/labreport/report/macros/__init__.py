"""The macros the pages call, one module per topic of the data they show; `env` registers them."""
