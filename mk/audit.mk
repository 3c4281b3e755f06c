# Security checks: bandit (0 high-severity findings) and pip-audit over the locked dependencies
# (which says NOT AUDITED rather than pass when its database cannot be reached), then the MDN HTTP
# Observatory and a short authenticated wapiti run against the site on 127.0.0.1 (.ci/scanners.py;
# about 3 minutes; AUDIT_SCANNERS=0 skips them).
.PHONY: audit
audit: install-dev
	$(PY) .ci/audit.py
