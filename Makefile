# orgnet: `make test` installs everything and runs the whole suite against a real Neo4j.
PYTHON ?= python3

.PHONY: install test typecheck lint check demo neo4j-start neo4j-stop bench mutate

install:
	$(PYTHON) -m pip install --quiet -e ".[dev]"

# The whole test suite, Neo4j included: starts the project's own Neo4j unless
# ORGNET_NEO4J_URI points at yours; doctests in orgnet/ run too.
test: install
	PYTHON=$(PYTHON) scripts/test

typecheck: install
	$(PYTHON) -m mypy

lint: install
	$(PYTHON) -m ruff check orgnet tests benchmarks conftest.py

check: lint typecheck test

demo: install
	orgnet demo

neo4j-start:
	scripts/neo4j-server start

neo4j-stop:
	scripts/neo4j-server stop

bench: install
	$(PYTHON) benchmarks/memory_load.py
	PYTHON=$(PYTHON) scripts/test --bench

# Mutation testing of orgnet/queries and orgnet/io/validate.py against the memory-only oracle
# tests ([tool.mutmut] in pyproject.toml; not in CI). Results: `mutmut results`, docs/mutation.md.
# MUTATE_EXAMPLES random networks per hypothesis test; MUTATE_MAX_CHILDREN parallel runs.
MUTATE_EXAMPLES ?= 10
MUTATE_MAX_CHILDREN ?= 1
# NUMBA_THREADING_LAYER=workqueue: mutmut forks each mutant's tests from a process that has already
# run numba's parallel kernels; with the OpenMP layer the child then SIGTERMs itself ("fork() called
# from a process already using GNU OpenMP"), which mutmut shows as "suspicious" (docs/mutation.md).
mutate:
	NUMBA_THREADING_LAYER=workqueue ORGNET_TEST_EXAMPLES=$(MUTATE_EXAMPLES) $(PYTHON) -m mutmut run --max-children $(MUTATE_MAX_CHILDREN)
	$(PYTHON) -m mutmut results
