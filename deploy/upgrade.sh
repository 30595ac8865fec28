#!/bin/sh
# Install or upgrade Salvaguarda's code in /opt/salvaguarda, then prepare the database and
# restart the services. Run it as root after the first installation and after every new version
# (git pull, or a release unpacked over the folder):
#
#   sudo /opt/salvaguarda/deploy/upgrade.sh
#
# Steps: the Python packages (with the production server), the translations, the static files,
# the migrations (as the tables' owner), the application role's privileges, Django's deployment
# checks, then the systemd units copied again, a restart of the worker and a graceful reload of
# the web app.
# --no-install skips the packages and --no-restart the services (make prod-check uses both).
# docs/operations.md, "Deployment".
set -eu

APP_DIR=${SALVAGUARDA_APP_DIR:-/opt/salvaguarda}
ETC=${SALVAGUARDA_ETC:-/etc/salvaguarda}
install=yes
restart=yes
for option in "$@"; do
    case "$option" in
        --no-install) install=no ;;
        --no-restart) restart=no ;;
        *) echo "usage: $0 [--no-install] [--no-restart]" >&2; exit 2 ;;
    esac
done
manage() { "$APP_DIR/deploy/manage.sh" "$@"; }
begun=$(date +%s)
step() { echo "--- $* (at $(($(date +%s) - begun)) s)"; }

cd "$APP_DIR"
umask 022
if [ "$install" = yes ]; then
    step "Python packages"
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    if [ -f requirements/production.txt ]; then
        # The lock: every package at the version tested, checked against its hashes.
        .venv/bin/python -m pip install --quiet --require-hashes --no-deps \
            -r requirements/production.txt
        .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation --editable .
    else
        .venv/bin/python -m pip install --quiet --upgrade ".[production]"
    fi
fi
step "translations"
manage --here compilemessages -v0 --ignore='.venv'
step "static files"
manage --here collectstatic --noinput -v0
step "database migrations (as the owner)"
manage --owner migrate --noinput
# The application role is the user of DATABASE_URL (/etc/salvaguarda/salvaguarda.env).
app_role=$(
    set -a; . "$ETC/salvaguarda.env"; set +a
    .venv/bin/python -c 'import os, urllib.parse; print(urllib.parse.urlsplit(os.environ["DATABASE_URL"]).username or "")'
)
if [ -n "$app_role" ]; then
    step "privileges of $app_role"
    manage --owner grant_app_role "$app_role"
fi
step "deployment checks"
manage check --deploy --database default --fail-level WARNING
if [ "$restart" = yes ]; then
    step "systemd units, restart"
    # The units of this version (your own changes, made with `systemctl edit`, stay apart).
    install -m 644 "$APP_DIR"/deploy/systemd/salvaguarda-* /etc/systemd/system/
    systemctl daemon-reload
    systemctl try-restart salvaguarda-worker.service
    systemctl try-reload-or-restart salvaguarda-web.service
fi
step "done"
