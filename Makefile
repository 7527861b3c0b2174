# Career Advice Blog. Targets and variables follow pelican-quickstart's Makefile;
# the virtualenv and pinned dependencies are set up on first use.

PY ?= $(shell command -v python3.11 || command -v python3)
VENV ?= $(CURDIR)/.venv
BIN = $(VENV)/bin
PELICAN ?= $(BIN)/pelican
PELICANOPTS ?=

BASEDIR = $(CURDIR)
INPUTDIR ?= $(BASEDIR)/content
# The preview (make html, make devserver, make serve) and the production build (make
# publish) live in separate folders, so neither is mistaken for the other.
OUTPUTDIR ?= $(BASEDIR)/output
PUBLISHDIR ?= $(BASEDIR)/public
CONFFILE ?= $(BASEDIR)/pelicanconf.py
PUBLISHCONF ?= $(BASEDIR)/publishconf.py

SSH_HOST ?= blog.example.com
SSH_PORT ?= 22
SSH_USER ?= deploy
SSH_TARGET_DIR ?= /srv/blog/public

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif

RELATIVE ?= 0
ifeq ($(RELATIVE), 1)
	PELICANOPTS += --relative-urls
endif

SERVER ?= 127.0.0.1
PORT ?= 8000
# The Isso comment server's port for `make serve` / `make comments`.
ISSO_PORT ?= 8080
# pelicanconf.py builds the preview for these ports (SITEURL, ISSO_URL).
PREVIEW_ENV = PREVIEW_PORT=$(PORT) PREVIEW_ISSO_PORT=$(ISSO_PORT)

RUNTIME_STAMP = $(VENV)/.runtime-installed
DEV_STAMP = $(VENV)/.dev-installed
NODE_STAMP = node_modules/.installed

help:
	@echo 'Makefile for the Career Advice Blog'
	@echo
	@echo 'Usage:'
	@echo '   make html                  (re)generate the web site into output/'
	@echo '   make clean                 remove the generated files'
	@echo '   make regenerate            regenerate files upon modification'
	@echo '   make publish               production build into public/; replaced only on success'
	@echo '   make serve [PORT=8000]     serve output/ at http://127.0.0.1:$(PORT)/ with Isso beside it'
	@echo '   make comments              run the Isso comment server alone (port $(ISSO_PORT))'
	@echo '   make devserver [PORT=8000] serve, regenerate and reload the browser on change'
	@echo '   make rsync_upload          publish, then upload public/ via rsync+ssh'
	@echo '   make import WXR=export.xml [MEDIA=uploads/]  move the WordPress blog over'
	@echo '   make test                  lint and run the whole test suite'
	@echo '   make bench [N=1000]        build-speed and page-weight benchmark'
	@echo '   make audit                 Lighthouse scores of the benchmark site'
	@echo
	@echo 'Set DEBUG=1 for debug output, RELATIVE=1 for relative URLs.'

$(RUNTIME_STAMP): requirements.txt constraints.txt
	@test -x "$(BIN)/python" || "$(PY)" -m venv "$(VENV)"
	"$(BIN)/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@touch "$@"

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	"$(BIN)/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch "$@"

# Node tools for the quality gates (Nu HTML Checker) and `make audit` (Lighthouse).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch "$@"

venv: $(RUNTIME_STAMP)

# tools/build.py runs Pelican and lists every problem of the build at the end.
html: $(RUNTIME_STAMP)
	$(PREVIEW_ENV) "$(BIN)/python" -m tools.build "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

clean:
	[ ! -d "$(OUTPUTDIR)" ] || rm -rf "$(OUTPUTDIR)"

regenerate: $(RUNTIME_STAMP)
	$(PREVIEW_ENV) "$(PELICAN)" -r "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

# Serves output/ and runs the Isso comment server beside it (tools/comments.py, which
# starts Isso through tools/isso_app.py); Ctrl-C stops both. ISSO_ADMIN_PASSWORD sets the
# admin password and ISSO_HASH_SALT the hash salt (else random ones for the session).
# Builds first (cached, so quick), so the site points at these PORT and ISSO_PORT.
serve: html
	"$(BIN)/python" -m tools.comments --serve "$(OUTPUTDIR)" --bind $(SERVER) --site-port $(PORT) --port $(ISSO_PORT)

comments: $(RUNTIME_STAMP)
	"$(BIN)/python" -m tools.comments --bind $(SERVER) --site-port $(PORT) --port $(ISSO_PORT)

devserver: $(RUNTIME_STAMP)
	$(PREVIEW_ENV) "$(BIN)/python" -m tools.devserver --bind $(SERVER) --port $(PORT) \
		--content "$(INPUTDIR)" --output "$(OUTPUTDIR)" --settings "$(CONFFILE)" -- $(PELICANOPTS)

# Builds into a fresh folder beside public/ and swaps it in only when every step
# succeeded: a failed publish leaves the previous site untouched.
publish: $(RUNTIME_STAMP)
	"$(BIN)/python" -m tools.publish --content "$(INPUTDIR)" --output "$(PUBLISHDIR)" --settings "$(PUBLISHCONF)" -- $(PELICANOPTS)

# Moves the WordPress blog over (tools/wordpress): posts, pages, authors, media, comments
# into Isso's database, redirects for every old address; prints the report.
# IMPORTOPTS="--dry-run" shows the report without writing; "--report FILE" keeps it.
import: $(RUNTIME_STAMP)
	@test -n "$(WXR)" || { echo 'usage: make import WXR=path/to/export.xml [MEDIA=path/to/wp-content/uploads]' >&2; exit 2; }
	"$(BIN)/python" -m tools.wordpress "$(WXR)" $(if $(MEDIA),--media "$(MEDIA)") --content "$(INPUTDIR)" $(IMPORTOPTS)

rsync_upload: publish
	rsync -e "ssh -p $(SSH_PORT)" -P -rvzc --include tags --cvs-exclude --delete "$(PUBLISHDIR)"/ "$(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)"

# Benchmarks (not part of `make test`): N articles, report in bench-results/.
N ?= 1000
bench: $(DEV_STAMP)
	"$(BIN)/python" -m bench.run --articles $(N)

LIGHTHOUSE_STAMP = bench/lighthouse/node_modules/.installed
$(LIGHTHOUSE_STAMP): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	@touch "$@"

# Lighthouse over the page types of the site `make bench` built (Debian's chromium).
audit: $(DEV_STAMP) $(LIGHTHOUSE_STAMP)
	@test -f bench-results/report.json || $(MAKE) bench N=$(N)
	"$(BIN)/python" -m bench.audit

lint: $(DEV_STAMP)
	"$(BIN)/ruff" check .
	"$(BIN)/ruff" format --check .

test: lint $(NODE_STAMP)
	"$(BIN)/python" -m pytest $(PYTEST_ARGS)

.PHONY: help venv html clean regenerate serve comments devserver publish import rsync_upload bench audit lint test
