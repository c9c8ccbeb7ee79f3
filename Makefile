# The whole set-up on a fresh machine: `make demo` and `make test` (see README.md).
.PHONY: demo test check bootstrap bench clean

bootstrap:
	@bash scripts/bootstrap.sh

demo: bootstrap
	.venv/bin/filmpipe build -p .

# Lint, format and types first: a red `make check` fails `make test`.
test: bootstrap check
	.venv/bin/python -m pytest $(PYTEST_ARGS)

# Lint, format and types: ruff and mypy, as configured in pyproject.toml.
check: bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

bench: bootstrap
	.venv/bin/python bench/validate_bench.py
	.venv/bin/python bench/limits_bench.py
	.venv/bin/python bench/build_bench.py --full
	.venv/bin/python bench/social_bench.py --seconds 20

clean:
	rm -rf dist .filmpipe-cache
