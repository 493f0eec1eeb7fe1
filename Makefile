# San Joaquin Valley manufacturing needs assessment. `make` (or `make help`) lists the targets.
# Real file targets form the DAG: raw files -> processed parquet -> executed notebooks -> report,
# so a second `make report` with nothing changed does nothing.
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
SHELL := /bin/bash

PYTHON ?= python3
REGION ?= config/regions/san-joaquin-valley.yml
VENV := .venv
BIN := $(VENV)/bin
KERNEL := sjv-assessment
INSTALLED := $(VENV)/.installed

SRC := $(shell find src -type f \( -name '*.py' -o -name '*.css' -o -name '*.yml' \) 2>/dev/null)
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
# One line per stage and notebook, with its time (`assessment run-notebook` wraps papermill).
RUN_NOTEBOOK = $(BIN)/assessment run-notebook -k $(KERNEL)

# Notebooks run in parallel, one job per core (`make -j1 ...` still wins); each job's output is
# printed whole when it ends.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
MAKEFLAGS += -j$(JOBS) --output-sync=target --no-print-directory

# Prerequisites follow the real imports: DEPS_SAMPLE (sample generators), DEPS_PROCESS (sources),
# DEPS_NB_<notebook> (the notebook and the modules it imports) and DEPS_REPORT (the assembler),
# each with what it imports inside src/, written by a static scan (src/assessment/makedeps.py,
# standard library only) and rewritten when a module or notebook changes.
DEPS_MK := .make/deps.mk
$(DEPS_MK): $(SRC) $(NOTEBOOKS)
	@PYTHONPATH=src $(PYTHON) -m assessment.makedeps $@ $(NOTEBOOKS)
# Goals that build nothing from src/ do not need it.
ifneq ($(filter-out help clean venv hooks lab lint test data data-plan bench bench-oews,\
	$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
include $(DEPS_MK)
endif
.SECONDEXPANSION:

# --- environment -----------------------------------------------------------------------------

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name "SJV assessment (.venv)" > /dev/null
	touch $@

.PHONY: venv
venv: $(INSTALLED) ## Create .venv with the package (editable) and register its Jupyter kernel

# --- sample mode -----------------------------------------------------------------------------

SAMPLE_RAW := data/sample/raw/.complete
SAMPLE_PROCESSED := data/sample/processed/.complete
SAMPLE_EXECUTED := $(patsubst notebooks/%,reports/executed/sample/%,$(NOTEBOOKS))
SAMPLE_REPORT := reports/needs-assessment-sample.pdf reports/needs-assessment-sample.html \
	reports/needs-assessment-sample.xlsx

$(SAMPLE_RAW): $(DEPS_SAMPLE) $(REGION) | $(INSTALLED)
	@$(BIN)/assessment sample --region $(REGION)
	@touch $@

$(SAMPLE_PROCESSED): $(SAMPLE_RAW) $(DEPS_PROCESS)
	@$(BIN)/assessment process --mode sample --region $(REGION)
	@touch $@

reports/executed/sample/%.ipynb: notebooks/%.ipynb $$(DEPS_NB_$$*) $(SAMPLE_PROCESSED)
	@mkdir -p $(@D)
	@$(RUN_NOTEBOOK) $< $@ -p region_path=$(REGION) -p mode=sample

$(SAMPLE_REPORT) &: $(SAMPLE_EXECUTED) $(DEPS_REPORT)
	@$(BIN)/assessment report --mode sample --region $(REGION)

.PHONY: sample-report
sample-report: $(SAMPLE_REPORT) ## Build reports/needs-assessment-sample.pdf from the synthetic sample (offline)

# --- real mode -------------------------------------------------------------------------------

RAW_FILES := $(shell find data/raw -type f ! -path 'data/raw/surveys/*' ! -name '.*' \
	! -name 'README.md' 2>/dev/null)
# Survey exports (confidential) feed the processing stage too; quarantine files and the salt
# are written by ingestion itself and are not inputs.
SURVEY_FILES := $(shell find data/raw/surveys -type f ! -path '*/quarantine/*' ! -name '.*' \
	! -name 'README.md' 2>/dev/null)
PROCESSED := data/processed/.complete
EXECUTED := $(patsubst notebooks/%,reports/executed/real/%,$(NOTEBOOKS))
REPORT := reports/needs-assessment.pdf reports/needs-assessment.html reports/needs-assessment.xlsx

$(PROCESSED): $(RAW_FILES) $(SURVEY_FILES) $(DEPS_PROCESS) $(REGION) | $(INSTALLED)
	@$(BIN)/assessment process --mode real --region $(REGION)
	@touch $@

reports/executed/real/%.ipynb: notebooks/%.ipynb $$(DEPS_NB_$$*) $(PROCESSED)
	@mkdir -p $(@D)
	@$(RUN_NOTEBOOK) $< $@ -p region_path=$(REGION) -p mode=real

$(REPORT) &: $(EXECUTED) $(DEPS_REPORT)
	@$(BIN)/assessment report --mode real --region $(REGION)

.PHONY: report
report: $(REPORT) ## Build reports/needs-assessment.pdf from the real files in data/raw

.PHONY: data
data: | $(INSTALLED) ## Download every public file the region needs that is missing (internet)
	$(BIN)/assessment data --region $(REGION)

.PHONY: data-plan
data-plan: | $(INSTALLED) ## List every file the region needs, its URL and whether it is cached
	$(BIN)/assessment data --region $(REGION) --dry-run

# --- working ---------------------------------------------------------------------------------

.PHONY: lab
lab: $(INSTALLED) ## Open JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks

.PHONY: test
test: $(INSTALLED) ## Run the test suite (offline; includes notebook and report smoke runs)
	$(BIN)/python -m pytest

.PHONY: lint
lint: $(INSTALLED) ## Ruff, and a check that notebooks carry no outputs
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/nbstripout --keep-id --verify $(NOTEBOOKS)

.PHONY: bench
bench: $(INSTALLED) ## Benchmark the rebuild loop against its floor, and the OEWS read (prints figures)
	$(BIN)/python benchmarks/build.py

.PHONY: bench-oews
bench-oews: $(INSTALLED) ## Benchmark the OEWS region-filtered read on a full-size national file
	$(BIN)/python benchmarks/oews_read.py

.PHONY: hooks
hooks: $(INSTALLED) ## Install the git pre-commit hooks (ruff, nbstripout)
	$(BIN)/pre-commit install

.PHONY: clean
clean: ## Remove processed data and reports (raw data is never touched)
	rm -rf data/processed/*.parquet data/processed/.complete data/sample reports/executed .make
	rm -f reports/needs-assessment*.{pdf,html,xlsx}

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}'
