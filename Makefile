# Documented commands. The reports in reports/ are generated, never edited by hand.
PYTHON ?= python3

.PHONY: reports screenshots test

reports:
	factcheck check claims/openai-musk.yaml --corpus corpus/openai-musk --out reports/openai-musk \
		--format json,md,html,claimreview,csv --title "Elon Musk and OpenAI: claims against the record"
	factcheck check tests/fixtures/claims.yaml --corpus tests/fixtures/corpus --out reports/test-corpus \
		--format json,md,html,claimreview,csv --title "Test corpus"

# Screenshots of the shipped report as a reader sees it (needs /usr/bin/chromium and playwright).
screenshots:
	$(PYTHON) -m tools.screenshots reports/openai-musk/report.html reports/openai-musk/screenshots

test:
	$(PYTHON) -m pytest
