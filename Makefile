# The two commands a newcomer types: `make run` and `make test`. Both set up .venv if needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test ingest e2e bench eval clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	# torch first, pinned: the CPU wheel on disk; anything else pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

# A minimal toolbar (no Deploy button or developer menu for a councillor to trip on) and no file
# watcher: it only reloads code on edits, and on a big data folder floods the log with
# "Inotify queue overflowed".
run: $(STAMP)
	$(BIN)/ofsted-rag ingest
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false \
		--client.toolbarMode minimal --server.fileWatcherType none

ingest: $(STAMP)
	$(BIN)/ofsted-rag ingest

test: $(STAMP)
	$(BIN)/python -m pytest

# The real-browser test alone (Debian's chromium + chromium-driver; `make test` runs it too).
e2e: $(STAMP)
	$(BIN)/python -m pytest tests/test_e2e_browser.py -q -rs

# The eval ingests corpus/ and eval/corpus/ into its own store (data/eval-store) itself.
eval: $(STAMP)
	$(BIN)/ofsted-rag eval --baseline

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) data .pytest_cache
