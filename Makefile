# The two commands a new user needs: `make book` (set up, then build the HTML book) and
# `make test` (set up, then run every test). Both create the environment on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# axe-core (accessibility tests) and Lighthouse (`make audit`), pinned in package-lock.json.
NODE_STAMP := node_modules/.installed

.PHONY: book test test-fast lint bench validate refresh publish window edition lab lab-ru student pdf handouts clean browser audit node translations

book: $(STAMP)
	$(PY) -m belarus_trade build

# On TEST_JOBS workers (pytest-xdist; the tests of one page, one notebook or one JupyterLab server
# share a worker: tests/conftest.py's scheduler), the 15 slowest tests listed at the end.
TEST_JOBS ?= 2
test: $(STAMP) browser $(NODE_STAMP) lint
	$(PY) -m pytest -n $(TEST_JOBS) --durations=15

# No kernel, Sphinx, browser, build or Python subprocess (conftest.py's slow fixtures): about a minute.
test-fast: $(STAMP) lint
	$(PY) -m pytest -n $(TEST_JOBS) -m "not slow" -p no:nbval -o addopts=-ra

# ruff (configured in pyproject.toml) on the package, the tests and the chapter notebooks.
lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Build times and the no-op command (bench.py), then what every page costs a reader (make audit).
bench: book browser $(NODE_STAMP)
	$(PY) -m belarus_trade bench
	$(PY) -m belarus_trade.checks.audit $(if $(RUNS),--runs $(RUNS))

# Every page of the built book beside a stock Jupyter Book, against the README's budgets: bytes
# before the reader moves and in all, Lighthouse mobile and desktop (medians of RUNS runs,
# default 3; about 40 minutes on 2 cores). make audit [RUNS=1]
audit: book browser $(NODE_STAMP)
	$(PY) -m belarus_trade.checks.audit $(if $(RUNS),--runs $(RUNS))

validate: $(STAMP)
	$(PY) -m belarus_trade validate

# Fetch every series from its publisher and print each candidate's diff against the snapshot;
# a file is replaced only when the new one validates. DRY_RUN=1 stops after the diffs.
refresh: $(STAMP)
	$(PY) -m belarus_trade refresh $(if $(filter-out 0,$(DRY_RUN)),--dry-run)

# Record the built book as the next published edition: data hashes, a copy of each new data
# file and every number of the prose (book/editions/), and CITATION.cff for it. Refused if a chapter is stale or nothing changed.
publish: $(STAMP)
	$(PY) -m belarus_trade publish

# The book for another window of years, built beside it (committed notebooks untouched):
# make window START=2005 END=2020 [DATA=path/to/data] [OUT=windows/2005-2020]
window: $(STAMP)
	$(PY) -m belarus_trade window --output "$(or $(OUT),windows/$(START)-$(END))" \
	  $(if $(START),--start-year $(START)) $(if $(END),--end-year $(END)) $(if $(DATA),--data-dir "$(DATA)")

# The old name of `make window`, kept for a while.
edition: window

# The English text extracted into book/locales/<language>/LC_MESSAGES (sphinx-intl); new or changed
# messages arrive untranslated or fuzzy, and `make test` fails until they are translated.
translations: $(STAMP)
	$(PY) -m belarus_trade translations

# The environment: exact pins from requirements.txt (shared with environment.yml).
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-deps -r requirements.txt
	$(PY) -m pip check
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# JupyterLab on the chapters with the project's kernel; asks nothing of the network.
LAB_OFFLINE := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.extension_manager=readonly
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=book/chapters $(LAB_OFFLINE) $(LAB_ROOT)

# The same for the Russian book: its notebooks, Markdown translated and outputs from its own run,
# written to notebooks/ru, a working copy no build touches: a notebook changed there is kept (and
# named) when they are written again; a file of the teacher's own stops the writing.
lab-ru: book
	$(PY) -m belarus_trade notebooks ru
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks/ru $(LAB_OFFLINE) $(LAB_ROOT)

# The student kit (solutions removed), ready to copy to classroom machines: student/ in
# English and student/ru/ in Russian, each with its own copy of the data. A notebook changed there
# is kept when they are written again; a file of the teacher's own stops the writing (named).
student: book
	$(PY) -m belarus_trade student

# The built book printed to PDF, in each language: book/_build/pdf/book.pdf (title page, contents,
# continuous page numbers) and each chapter as its pages of it; book/_build/pdf/ru/ in Russian.
pdf: book browser
	$(PY) -m belarus_trade pdf

# Exercise sheets to hand out, in each language (book/_build/handouts/, ru/): per chapter and for the
# whole seminar (seminar.pdf), the student's without solutions and the teacher's (-teacher.pdf) with them.
handouts: book browser
	$(PY) -m belarus_trade handouts

# The Node packages, exactly as locked; Debian's Node.js if there is none.
node: $(NODE_STAMP)
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "installing Debian's Node.js for the accessibility tests and the audit"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund
	touch $@

# Browser tests drive Debian's chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf book/_build
