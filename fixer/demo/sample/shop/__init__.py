"""A tiny shop: enough code for a build to break in realistic ways."""
