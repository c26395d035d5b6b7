# A throw-away PostgreSQL cluster on 127.0.0.1, for CI and for trying replicas locally.
# Source this file, then:
#   start_postgres_cluster   # sets POSTGRES_URL (and POSTGRES_DIR, POSTGRES_PORT); fsync off
#                            # unless POSTGRES_FSYNC=on
#   stop_postgres_cluster    # stops the server and removes its directory
# The server runs as an unprivileged user (postgres when it exists, else nobody), since
# PostgreSQL refuses to run as root; its data lives in a temporary directory.

postgres_bin_dir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$dir" ] && command -v initdb >/dev/null; then dir=$(dirname "$(command -v initdb)"); fi
    [ -n "$dir" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; return 1; }
    echo "$dir"
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_postgres_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u "$POSTGRES_USER_NAME" -- "$@"; else "$@"; fi
}

start_postgres_cluster() {
    local bin password
    bin=$(postgres_bin_dir) || return 1
    POSTGRES_USER_NAME=postgres
    id postgres >/dev/null 2>&1 || POSTGRES_USER_NAME=nobody
    POSTGRES_DIR=$(mktemp -d /tmp/runbook-pg.XXXXXX)
    POSTGRES_PORT=$(free_port)
    password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    if [ "$(id -u)" -eq 0 ]; then chown "$POSTGRES_USER_NAME" "$POSTGRES_DIR"; fi
    printf '%s\n' "$password" > "$POSTGRES_DIR/pwfile"
    if [ "$(id -u)" -eq 0 ]; then chown "$POSTGRES_USER_NAME" "$POSTGRES_DIR/pwfile"; fi
    # Password authentication over TCP, as in production; the socket stays in the directory.
    as_postgres_user "$bin/initdb" -D "$POSTGRES_DIR/data" -U runbook --pwfile="$POSTGRES_DIR/pwfile" \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 >"$POSTGRES_DIR/initdb.log" 2>&1 \
        || { cat "$POSTGRES_DIR/initdb.log" >&2; return 1; }
    rm -f "$POSTGRES_DIR/pwfile"
    # Durability is not what test clusters are for: fsync off keeps tests fast. Benchmarks
    # set POSTGRES_FSYNC=on, so commits wait for the disk as in production.
    as_postgres_user "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/server.log" -w -t 60 \
        -o "-p $POSTGRES_PORT -k $POSTGRES_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=${POSTGRES_FSYNC:-off}" start >/dev/null \
        || { cat "$POSTGRES_DIR/server.log" >&2; return 1; }
    as_postgres_user "$bin/createdb" -h "$POSTGRES_DIR" -p "$POSTGRES_PORT" -U runbook runbook
    POSTGRES_URL="postgres://runbook:$password@127.0.0.1:$POSTGRES_PORT/runbook?sslmode=disable"
    export POSTGRES_URL POSTGRES_DIR POSTGRES_PORT
    echo "PostgreSQL cluster on 127.0.0.1:$POSTGRES_PORT in $POSTGRES_DIR"
}

stop_postgres_cluster() {
    [ -n "${POSTGRES_DIR:-}" ] && [ -d "$POSTGRES_DIR" ] || return 0
    local bin
    bin=$(postgres_bin_dir) || true
    [ -n "$bin" ] && as_postgres_user "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$POSTGRES_DIR"
    POSTGRES_DIR=
}
