#!/bin/sh
# Run a Salvaguarda command (manage.py) by hand exactly as the services run: as the app's user,
# with /etc/salvaguarda/salvaguarda.env and the secrets of /etc/salvaguarda/credentials/.
#
#   sudo /opt/salvaguarda/deploy/manage.sh bootstrap_network --name "Red …" …
#   sudo /opt/salvaguarda/deploy/manage.sh audit_verify
#   sudo /opt/salvaguarda/deploy/manage.sh --owner migrate          (as the tables' owner)
#   sudo /opt/salvaguarda/deploy/manage.sh --here collectstatic --noinput
#
# --owner  connect with the owner's address (credentials/owner_database_url): for migrate,
#          grant_app_role and restore.
# --here   run as the calling user (root) instead of the app's user, for commands that write
#          into the code's folder (collectstatic, compilemessages); they get a scratch
#          SALVAGUARDA_VAR_DIR so that nothing owned by root lands in the app's own folder.
# backup and restore also receive the backup key and the backup role's address.
# SALVAGUARDA_APP_DIR, SALVAGUARDA_ETC and SALVAGUARDA_USER change the three places (make
# prod-check uses them); docs/operations.md, "Deployment".
set -eu

APP_DIR=${SALVAGUARDA_APP_DIR:-/opt/salvaguarda}
ETC=${SALVAGUARDA_ETC:-/etc/salvaguarda}
APP_USER=${SALVAGUARDA_USER:-salvaguarda}
CREDENTIALS=$ETC/credentials

owner=no
here=no
while [ $# -gt 0 ]; do
    case "$1" in
        --owner) owner=yes; shift ;;
        --here) here=yes; shift ;;
        *) break ;;
    esac
done
if [ $# -eq 0 ]; then
    echo "usage: $0 [--owner] [--here] COMMAND [ARGUMENTS...]" >&2
    exit 2
fi

secret() {  # secret NAME FILE: export NAME with the content of credentials/FILE
    if [ ! -r "$CREDENTIALS/$2" ]; then
        echo "$CREDENTIALS/$2 is missing or unreadable (run this as root)." >&2
        exit 1
    fi
    export "$1=$(cat "$CREDENTIALS/$2")"
}

# The settings, as systemd reads them for the units.
set -a
# shellcheck disable=SC1091
. "$ETC/salvaguarda.env"
set +a
secret SECRET_KEY secret_key
secret SALVAGUARDA_MASTER_KEY master_key
secret SALVAGUARDA_AUDIT_KEY audit_key
case "$1" in
    backup | restore)
        if [ -e "$CREDENTIALS/backup_key" ]; then
            secret SALVAGUARDA_BACKUP_KEY backup_key
        fi
        if [ -e "$CREDENTIALS/backup_database_url" ]; then
            secret BACKUP_DATABASE_URL backup_database_url
        fi
        ;;
esac
if [ "$owner" = yes ]; then
    secret DATABASE_URL owner_database_url
fi

cd "$APP_DIR"
if [ "$here" = yes ]; then
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    SALVAGUARDA_VAR_DIR=$scratch "$APP_DIR/.venv/bin/python" manage.py "$@"
elif [ "$(id -un)" = "$APP_USER" ]; then
    exec "$APP_DIR/.venv/bin/python" manage.py "$@"
else
    umask 077
    exec setpriv --reuid="$APP_USER" --regid="$APP_USER" --init-groups -- \
        "$APP_DIR/.venv/bin/python" manage.py "$@"
fi
