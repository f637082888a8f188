"""The metric tests share the PostgreSQL fixture of tests/conftest.py."""
