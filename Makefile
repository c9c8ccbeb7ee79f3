# The whole set-up on a fresh machine: `make demo` and `make test` (see README.md).
.PHONY: demo test bootstrap bench clean

bootstrap:
	@bash scripts/bootstrap.sh

demo: bootstrap
	.venv/bin/filmpipe build -p .
	@echo "Preview page: $(CURDIR)/dist/index.html"
	@echo "Manifest:     $(CURDIR)/dist/manifest.json"

test: bootstrap
	.venv/bin/python -m pytest $(PYTEST_ARGS)

bench: bootstrap
	.venv/bin/python bench/run.py

clean:
	rm -rf dist .filmpipe-cache
