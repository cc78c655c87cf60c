# Documented commands. The reports in reports/ are generated, never edited by hand.
PYTHON ?= python3

.PHONY: reports test

reports:
	factcheck check claims/openai-musk.yaml --corpus corpus/openai-musk --out reports/openai-musk \
		--format json,md,html,claimreview,csv --title "Elon Musk and OpenAI: claims against the record"
	factcheck check tests/fixtures/claims.yaml --corpus tests/fixtures/corpus --out reports/test-corpus \
		--format json,md,html,claimreview,csv --title "Test corpus"

test:
	$(PYTHON) -m pytest
