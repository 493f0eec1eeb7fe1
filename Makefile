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
ifneq ($(filter-out help clean venv hooks lab lint test data data-plan bench bench-oews where,\
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

# --- region ----------------------------------------------------------------------------------
# Every region's data and outputs live under its slug (the region file's `slug:`), so building
# one region never reuses, overwrites or mixes another's files. The stamp below is rewritten only
# when the region file's content changes (a touch or a checkout alone rebuilds nothing).

SLUG := $(shell sed -n 's/^slug:[[:space:]]*["'\'']\{0,1\}\([a-z0-9-]*\).*/\1/p' $(REGION) 2>/dev/null)
ifeq ($(SLUG),)
SLUG := $(basename $(notdir $(REGION)))
endif
REGION_STAMP := data/.regions/$(SLUG).sha256

# Refreshed as the Makefile is read, not by a rule: a rule that always ran would leave
# `make -q` forever out of date.
ifneq ($(wildcard $(REGION)),)
_STAMPED := $(shell mkdir -p $(dir $(REGION_STAMP)); h=$$(sha256sum < $(REGION) | cut -d' ' -f1); \
	[ "$$(cat $(REGION_STAMP) 2>/dev/null)" = "$$h" ] || echo "$$h" > $(REGION_STAMP))
endif
$(REGION_STAMP): ;

.PHONY: FORCE
FORCE:

# --- sample mode -----------------------------------------------------------------------------

SAMPLE_DIR := data/sample/$(SLUG)
SAMPLE_RAW := $(SAMPLE_DIR)/raw/.complete
SAMPLE_PROCESSED := $(SAMPLE_DIR)/processed/.complete
SAMPLE_EXECUTED := $(patsubst notebooks/%,reports/executed/$(SLUG)/sample/%,$(NOTEBOOKS))
SAMPLE_REPORT := $(addprefix reports/$(SLUG)/needs-assessment-sample.,pdf html xlsx) \
	reports/$(SLUG)/needs-assessment-brief-sample.pdf

$(SAMPLE_RAW): $(DEPS_SAMPLE) $(REGION_STAMP) | $(INSTALLED)
	@rm -rf $(SAMPLE_DIR)/raw
	@$(BIN)/assessment sample --region $(REGION)
	@touch $@

$(SAMPLE_PROCESSED): $(SAMPLE_RAW) $(DEPS_PROCESS)
	@rm -rf $(SAMPLE_DIR)/processed
	@$(BIN)/assessment process --mode sample --region $(REGION)
	@touch $@

reports/executed/$(SLUG)/sample/%.ipynb: notebooks/%.ipynb $$(DEPS_NB_$$*) $(SAMPLE_PROCESSED)
	@mkdir -p $(@D)
	@$(RUN_NOTEBOOK) $< $@ -p region_path=$(REGION) -p mode=sample

$(SAMPLE_REPORT) &: $(SAMPLE_EXECUTED) $(DEPS_REPORT)
	@$(BIN)/assessment report --mode sample --region $(REGION)

.PHONY: sample-report
sample-report: $(SAMPLE_REPORT) ## Build reports/<slug>/needs-assessment-sample.pdf (and the council brief) for REGION from the synthetic sample (offline)

# Several regions' sample reports at once, one sub-make per region, in parallel on the cores.
REGIONS ?= $(wildcard config/regions/*.yml)

ifneq ($(filter reports,$(MAKECMDGOALS)),)
DUPLICATE_SLUGS := $(shell for r in $(REGIONS); do \
	sed -n 's/^slug:[[:space:]]*\([a-z0-9-]*\).*/\1/p' $$r; done | sort | uniq -d)
ifneq ($(DUPLICATE_SLUGS),)
$(error two region files share the slug $(DUPLICATE_SLUGS): their outputs would mix; give each its own slug)
endif
endif

.PHONY: reports
reports: | $(INSTALLED) ## Build the sample report of every region in REGIONS (default: config/regions/*.yml), in parallel
	@$(MAKE) $(addprefix sample-report-for/,$(REGIONS))
	@for r in $(REGIONS); do \
		s=$$(sed -n 's/^slug:[[:space:]]*\([a-z0-9-]*\).*/\1/p' $$r); \
		echo "$$r -> reports/$$s/needs-assessment-sample.pdf"; done

sample-report-for/%: FORCE
	@$(MAKE) --no-print-directory sample-report REGION=$*

# --- real mode -------------------------------------------------------------------------------
# Agencies' files in data/raw are shared by every region (one national or state file serves
# them all); each region's survey exports are under data/raw/surveys/<slug>/.

RAW_FILES := $(shell find data/raw -type f ! -path 'data/raw/surveys/*' ! -name '.*' \
	! -name 'README.md' 2>/dev/null)
# Survey exports (confidential) feed the processing stage too; quarantine files and the salt
# are written by ingestion itself and are not inputs.
SURVEY_FILES := $(shell find data/raw/surveys/$(SLUG) -type f ! -path '*/quarantine/*' \
	! -name '.*' ! -name 'README.md' 2>/dev/null)
PROCESSED := data/processed/$(SLUG)/.complete
EXECUTED := $(patsubst notebooks/%,reports/executed/$(SLUG)/real/%,$(NOTEBOOKS))
REPORT := $(addprefix reports/$(SLUG)/needs-assessment.,pdf html xlsx) \
	reports/$(SLUG)/needs-assessment-brief.pdf

$(PROCESSED): $(RAW_FILES) $(SURVEY_FILES) $(DEPS_PROCESS) $(REGION_STAMP) | $(INSTALLED)
	@$(BIN)/assessment process --mode real --region $(REGION)
	@touch $@

reports/executed/$(SLUG)/real/%.ipynb: notebooks/%.ipynb $$(DEPS_NB_$$*) $(PROCESSED)
	@mkdir -p $(@D)
	@$(RUN_NOTEBOOK) $< $@ -p region_path=$(REGION) -p mode=real

$(REPORT) &: $(EXECUTED) $(DEPS_REPORT)
	@$(BIN)/assessment report --mode real --region $(REGION)

.PHONY: report
report: $(REPORT) ## Build reports/<slug>/needs-assessment.pdf (and the council brief) for REGION from the real files in data/raw

.PHONY: where
where: ## Say where REGION's data and reports land
	@echo "region file: $(REGION) (slug $(SLUG))"
	@echo "sample:      $(SAMPLE_DIR)/{raw,processed} -> reports/$(SLUG)/needs-assessment-sample.{pdf,html,xlsx}, needs-assessment-brief-sample.pdf"
	@echo "real:        data/raw (shared), data/raw/surveys/$(SLUG), data/processed/$(SLUG) -> reports/$(SLUG)/needs-assessment.{pdf,html,xlsx}, needs-assessment-brief.pdf"
	@echo "rules:       config/needs.yml; recommendations: config/recommendations/$(SLUG).yml (real), $(SAMPLE_DIR)/raw/partnership/recommendations.yml (sample)"

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
clean: ## Remove processed data and reports of every region (raw data is never touched)
	rm -rf data/processed/*/ data/sample data/.regions reports/executed .make
	rm -f reports/*/needs-assessment*.{pdf,html,xlsx}

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}'
	@echo "Where each region's report lands (choose one with REGION=<file>; default $(REGION)):"
	@for r in $(wildcard config/regions/*.yml); do \
		s=$$(sed -n 's/^slug:[[:space:]]*\([a-z0-9-]*\).*/\1/p' $$r); \
		echo "  $$r -> reports/$$s/needs-assessment-sample.pdf (sample), reports/$$s/needs-assessment.pdf (real)"; \
	done
