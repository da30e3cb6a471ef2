"""Test control: the request journal and fault injection (the admin API builds on these)."""
