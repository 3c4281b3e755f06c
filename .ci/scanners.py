"""`make audit`'s dynamic checks: the MDN HTTP Observatory and a short authenticated wapiti run
against the site on 127.0.0.1, served with production settings (website.settings.audit).

- One server, two ports: gunicorn with a self-signed certificate for `localhost` (HTTPS) and a
  plain one (HTTP, which redirects to the HTTPS port), the demo content and demo accounts in a
  SQLite database under var/audit/site/.
- Observatory (npm @mdn/mdn-http-observatory, pinned in .ci/observatory/package-lock.json) is
  installed with `npm ci --ignore-scripts` into var/audit/observatory: its install script downloads
  the HSTS preload list, which is replaced by an empty one (a local host is on no preload list, and
  the run must work offline). .ci/observatory/scan.mjs is its scan with ports. Every test must pass
  and the grade must be A+; a failing test is a finding.
- wapiti (pinned in .ci/wapiti/requirements.txt) in its own virtualenv under var/audit/: the
  anonymous site, then the same as the demo student (a session cookie), each time-boxed. Every
  finding fails the build unless KNOWN_FALSE_POSITIVES lists it with the reason.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "var" / "audit"
PYTHON = sys.executable
BIN = Path(sys.executable).parent
HOST = "localhost"
WAPITI_MODULES = "xss,permanentxss,sql,exec,file,redirect,crlf,ssrf,csrf,methods,http_headers,cookieflags"
# Each wapiti run (anonymous, student; the two run side by side) stops after this long.
WAPITI_SECONDS = int(os.environ.get("AUDIT_WAPITI_SECONDS", "60"))

# (wapiti category, path the finding is on or "*", why it is not a vulnerability)
KNOWN_FALSE_POSITIVES = [
    (
        "Cross Site Request Forgery",
        "/learn/practice/",
        "The anonymous practice quiz form has no CSRF token on purpose: it stores and changes nothing "
        "(issue 13 #8; tests/test_security.py::test_anonymous_practice_needs_no_csrf_token_and_stores_nothing).",
    ),
    (
        "Cross Site Request Forgery",
        "/search/",
        "The search form is a GET form: it changes nothing.",
    ),
    (
        "Cross Site Request Forgery",
        "/join/",
        "The join form's token is checked (a forged token gets 403 and changes nothing: tests/test_join_limits.py::"
        "test_the_join_form_refuses_a_post_without_its_csrf_token). wapiti's own earlier fuzzing of the code field"
        " uses up the session's wrong-code budget, so its 'original' submission is refused too and the answers match.",
    ),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(https_port):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="website.settings.audit",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://{HOST}:{https_port}",
        DJANGO_SECURE_SSL_HOST=f"{HOST}:{https_port}",
        DIGNITY_VAR_DIR=str(AUDIT / "site"),
        DJANGO_TRUSTED_PROXY_COUNT="0",
    )
    return env


def certificate():
    cert, key = AUDIT / "localhost.pem", AUDIT / "localhost-key.pem"
    if not cert.exists():
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-keyout", str(key), "-out", str(cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return cert, key


def wait_for(url, seconds=60):
    import ssl

    context = ssl._create_unverified_context()  # the self-signed certificate made above  # nosec B323
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2, context=context)  # nosec B310: our own local server
            return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.5)
    return False


@contextmanager
def local_site():
    """The site with production settings on 127.0.0.1: (http port, https port, env)."""
    http_port, https_port = free_port(), free_port()
    env = site_env(https_port)
    shutil.rmtree(AUDIT / "site", ignore_errors=True)
    (AUDIT / "site" / "static").mkdir(parents=True)
    log = open(AUDIT / "site.log", "w")  # the servers' own output; the report says where it is
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "load_demo", "-v", "0"], cwd=ROOT, env=env, check=True, capture_output=True)
    cert, key = certificate()
    gunicorn = [str(BIN / "gunicorn"), "website.wsgi", "--workers", "2", "--log-level", "warning"]
    servers = [
        subprocess.Popen(
            [*gunicorn, "--bind", f"127.0.0.1:{https_port}", "--certfile", str(cert), "--keyfile", str(key)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        ),
        subprocess.Popen([*gunicorn, "--bind", f"127.0.0.1:{http_port}"], cwd=ROOT, env=env, stdout=log, stderr=log),
    ]
    try:
        if not (wait_for(f"https://127.0.0.1:{https_port}/ko/") and wait_for(f"http://127.0.0.1:{http_port}/")):
            raise RuntimeError("the local site did not start")
        yield http_port, https_port, env
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        log.close()


# -- Observatory ----------------------------------------------------------------------------------


def observatory_install():
    """None when installed, else what went wrong."""
    if not shutil.which("node") or not shutil.which("npm"):
        return "node and npm are not installed"
    where = AUDIT / "observatory"
    source = ROOT / ".ci" / "observatory"
    where.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json", "scan.mjs"):
        shutil.copy(source / name, where / name)
    package = where / "node_modules" / "@mdn" / "mdn-http-observatory"
    if not (package / "package.json").exists():
        run = subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=where, capture_output=True, text=True
        )
        if run.returncode:
            return f"npm ci failed: {run.stderr.strip().splitlines()[-1:]}"
    preload = package / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}")
    return None


def observatory(http_port, https_port, install_error=None):
    if install_error:
        return {"error": install_error}
    where = AUDIT / "observatory"
    cert, _key = certificate()
    run = subprocess.run(
        ["node", "scan.mjs", HOST, str(http_port), str(https_port)],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_EXTRA_CA_CERTS": str(cert)},
    )
    try:
        report = json.loads(run.stdout)
    except ValueError:
        return {"error": (run.stderr or run.stdout).strip()[-500:]}
    (AUDIT / "observatory.json").write_text(json.dumps(report, indent=2))
    if "error" in report:
        return report
    failed = {name: test["result"] for name, test in report["tests"].items() if not test["pass"]}
    return {"grade": report["scan"]["grade"], "score": report["scan"]["score"], "failed": failed}


# -- wapiti ---------------------------------------------------------------------------------------


def wapiti_bin():
    venv = AUDIT / "wapiti-venv"
    wapiti = venv / "bin" / "wapiti"
    if not wapiti.exists():
        subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
        run = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "-r", str(ROOT / ".ci" / "wapiti" / "requirements.txt")],
            capture_output=True,
            text=True,
        )
        if run.returncode:
            return None, (run.stderr or run.stdout).strip().splitlines()[-1:]
    return wapiti, None


def student_session(env):
    code = (
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "u = get_user_model().objects.get(username='student'); s = SessionStore();"
        "s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    run = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return run.stdout.strip().splitlines()[-1]


def wapiti_start(wapiti, https_port, name, cookie=None):
    base = f"https://{HOST}:{https_port}"
    out = AUDIT / f"wapiti-{name}.json"
    out.unlink(missing_ok=True)
    command = [
        str(wapiti), "-u", f"{base}/ko/", "--scope", "domain", "-m", WAPITI_MODULES,
        # Each run its own session store: two runs on one URL would share (and flush) one.
        "--store-session", str(AUDIT / f"wapiti-{name}-session"),
        "--store-config", str(AUDIT / f"wapiti-{name}-config"),
        "--flush-session", "-d", "2", "--max-links-per-page", "20", "--max-files-per-dir", "10",
        "--max-scan-time", str(WAPITI_SECONDS), "--max-attack-time", str(max(WAPITI_SECONDS // 8, 4)),
        "--tasks", "4", "-f", "json", "-o", str(out), "--no-bugreport", "-v", "0",
        # A browser sends a Referer; without it Django refuses every HTTPS form post before it looks at
        # the token, and wapiti's CSRF module would read that as "the token is not checked".
        "-H", f"Referer: {base}/ko/",
        # Never sign out, delete the account or wander into the admin.
        "-x", f"{base}/ko/accounts/logout/", "-x", f"{base}/en/accounts/logout/",
        "-x", f"{base}/ko/learn/my-data/delete/", "-x", f"{base}/en/learn/my-data/delete/", "-x", f"{base}/cms/*",
    ]  # fmt: skip
    if cookie:
        command += ["-C", f"sessionid={cookie}"]
    # wapiti's own output, so that a run that writes no report says why (the child keeps its own copy of the file).
    with open(AUDIT / f"wapiti-{name}.log", "w") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), out


def wapiti_findings(process, out):
    try:
        process.wait(timeout=WAPITI_SECONDS * 3 + 60)
    except subprocess.TimeoutExpired:
        process.kill()
    if not out.exists():
        return None
    report = json.loads(out.read_text())
    findings = []
    for section in ("vulnerabilities", "anomalies"):
        for category, items in report.get(section, {}).items():
            for item in items:
                findings.append({"category": category, "path": item.get("path", ""), "info": item.get("info", "")})
    return findings


def known(finding):
    return next(
        (
            reason
            for category, path, reason in KNOWN_FALSE_POSITIVES
            if category == finding["category"] and (path == "*" or path in finding["path"])
        ),
        None,
    )


def wapiti(https_port, env, installed):
    binary, error = installed
    if binary is None:
        return {"error": f"wapiti could not be installed: {error}"}
    results = {}
    cookies = {"anonymous": None, "student": student_session(env)}
    runs = {name: wapiti_start(binary, https_port, name, cookie) for name, cookie in cookies.items()}
    for name, (process, out) in runs.items():
        findings = wapiti_findings(process, out)
        if findings is None:
            # A run that ends without a report crashed (its log says how); that is neither a pass nor a
            # finding. It gets one more go on its own, with the machine no longer shared with the other run.
            print(f"wapiti ({name}): no report; {wapiti_log_tail(name)}; running it once more on its own")
            findings = wapiti_findings(*wapiti_start(binary, https_port, name, cookies[name]))
        if findings is None:
            return {"error": f"wapiti wrote no report for the {name} run, twice; {wapiti_log_tail(name)}"}
        results[name] = [dict(finding, known=known(finding)) for finding in findings]
    return results


def wapiti_log_tail(name, lines=5):
    log = AUDIT / f"wapiti-{name}.log"
    tail = log.read_text(errors="replace").strip().splitlines()[-lines:] if log.exists() else []
    return f"its log (var/audit/wapiti-{name}.log) ends: " + " | ".join(tail) if tail else "its log is empty"


def main():
    """Run both scanners; print what they found; 1 if anything is a finding."""
    AUDIT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    certificate()
    # The two installs (first run only) go on while the site's database is built.
    with ThreadPoolExecutor(max_workers=2) as pool:
        observatory_installed = pool.submit(observatory_install)
        wapiti_installed = pool.submit(wapiti_bin)
        with local_site() as (http_port, https_port, env):
            print(f"scanners: the site is up with production settings after {time.monotonic() - started:.0f} s")
            code = scan(http_port, https_port, env, observatory_installed.result(), wapiti_installed.result())
    print(f"scanners: {time.monotonic() - started:.0f} s; the servers' log is var/audit/site.log")
    return code


def scan(http_port, https_port, env, observatory_install_error, wapiti_installed):
    """Both scanners against the running site; 1 if anything is a finding."""
    code = 0
    seen = observatory(http_port, https_port, observatory_install_error)
    if "error" in seen:
        print(f"observatory: COULD NOT RUN: {seen['error']}")
        code = 1
    else:
        print(f"observatory: grade {seen['grade']} ({seen['score']}), {len(seen['failed'])} failed tests")
        for name, result in seen["failed"].items():
            print(f"  FAILED {name}: {result}")
        if seen["failed"] or seen["grade"] != "A+":
            code = 1
    found = wapiti(https_port, env, wapiti_installed)
    if "error" in found:
        print(f"wapiti: COULD NOT RUN: {found['error']}")
        code = 1
    else:
        for name, findings in found.items():
            real = [f for f in findings if not f["known"]]
            print(f"wapiti ({name}): {len(findings)} findings, {len(real)} not known false positives")
            for finding in findings:
                label = "known" if finding["known"] else "FINDING"
                print(f"  {label} {finding['category']}: {finding['path']} {finding['info'][:100]}")
            code = 1 if real else code
    (AUDIT / "scanners.json").write_text(json.dumps({"observatory": seen, "wapiti": found}, indent=2))
    return code


if __name__ == "__main__":
    sys.exit(main())
