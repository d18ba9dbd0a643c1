# Every target builds its own virtual environment: a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint browser postgresql clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/maillage demo
	@echo "Tableau de bord : ouvrez http://127.0.0.1:8501 (Ctrl+C pour arrêter)"
	MAILLAGE_AUTH=off $(BIN)/streamlit run serve.py --server.address 127.0.0.1 --server.port 8501

browser:
	@$(PYTHON) scripts/ensure_chromium.py

postgresql:
	@$(PYTHON) scripts/ensure_postgresql.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) browser postgresql
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
