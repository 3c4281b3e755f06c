# Static security checks: bandit (0 high-severity findings) and pip-audit over the locked
# dependencies, which says NOT AUDITED rather than pass when its database cannot be reached.
.PHONY: audit
audit: install-dev
	$(PY) .ci/audit.py
