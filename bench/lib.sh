# Shared helpers of the bench scripts (sourced, not run): free ports, process groups, a private Azurite.

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Sets variable $1 to a free TCP port on 127.0.0.1 that this script has not handed out yet.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 30000))
    if port_free "$p" && [[ " ${HANDED_OUT_PORTS:-} " != *" $p "* ]]; then
      HANDED_OUT_PORTS="${HANDED_OUT_PORTS:-} $p"; printf -v "$1" '%s' "$p"; return 0
    fi
  done
  echo "no free port found" >&2; return 1
}

# Sends the four-letter word $2 to 127.0.0.1:$1 and prints the answer (bounded by a 2 s timeout).
four_letter() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf '%s' '$2' >&3 && cat <&3" 2>/dev/null || true; }

# Waits until 127.0.0.1:$1 accepts connections, at most $2 seconds, while process $3 lives.
wait_port() {
  local deadline=$((SECONDS + $2))
  until ! port_free "$1"; do
    if (( SECONDS >= deadline )) || ! kill -0 "$3" 2>/dev/null; then return 1; fi
    sleep 0.2
  done
}

# CPU seconds (user + system) process $1 has used so far, for "where does the time go" notes.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Runs the rest of the line and then reports its CPU use (with waited-for children) and $1's CPU use meanwhile.
with_cpu_report() {
  local server="$1" before rc=0; shift
  before="$(cpu_seconds "$server")"
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f "# load generator CPU: user %U s, system %S s, wall %e s" "$@" || rc=$?
  else
    "$@" || rc=$?  # Debian's `time` package is not installed: no load generator figure
  fi
  echo "# server CPU meanwhile: $(awk -v a="$before" -v b="$(cpu_seconds "$server")" 'BEGIN { printf "%.2f", b - a }') s" >&2
  return "$rc"
}

# Stops the process group led by $1 (started with setsid): TERM, up to 15 s, then KILL.
stop_group() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 75); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Starts Debian's ZooKeeper 3.8 standalone on 127.0.0.1:$2 with its data in $1/data (emptied), in a process group of
# its own (stop it with stop_group). $3 = heap, $4 = 4lw.commands.whitelist; further arguments are JVM options.
# ZK_EXTRA_CONFIG lines are added to zoo.cfg. Sets SERVER_PID; the log is $1/server.log.
start_zookeeper() {
  local work="$1" port="$2" heap="$3" whitelist="$4" jars=/usr/share/java
  shift 4
  [[ -f "$jars/zookeeper.jar" ]] || { echo "zookeeper.jar missing: apt-get install -y zookeeper" >&2; return 3; }
  rm -rf "$work/data"; mkdir -p "$work/data"
  cat > "$work/zoo.cfg" <<CFG
tickTime=2000
dataDir=$work/data
clientPort=$port
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=$whitelist
${ZK_EXTRA_CONFIG:-}
CFG
  # netty-codec and netty-resolver: NettyServerCnxnFactory (the TLS modes) needs them and zookeeper.jar's manifest
  # leaves them out; the default NIO factory does not load them.
  setsid java "-Xmx$heap" "-Xms$heap" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$@" \
    -cp "$jars/zookeeper.jar:$jars/netty-codec.jar:$jars/netty-resolver.jar:$jars/slf4j-simple.jar" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$work/zoo.cfg" > "$work/server.log" 2>&1 &
  SERVER_PID=$!
}

# Starts a private Azurite from the repo's pinned package (Silo.Launchers/Azurite) on free ports with its data in $2.
# $1 = repo root. Sets AZURITE_PID and AZURITE_CONNECTION_STRING (Azurite's well-known development account).
start_azurite() {
  local repo="$1" dir="$2" entry="$1/Silo.Launchers/Azurite/node_modules/azurite/dist/src/azurite.js"
  if [[ ! -f "$entry" ]]; then
    [[ -f "$repo/Silo.Launchers/Azurite/package-lock.json" ]] || { echo "no pinned Azurite package under $repo/Silo.Launchers/Azurite" >&2; return 1; }
    echo "# installing the pinned Azurite (npm ci in $repo/Silo.Launchers/Azurite)" >&2
    (cd "$repo/Silo.Launchers/Azurite" && timeout 300 npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
  local blob queue table
  free_port blob && free_port queue && free_port table || return 1
  mkdir -p "$dir"
  setsid node "$entry" --silent --location "$dir" --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" > "$dir/azurite.log" 2>&1 &
  AZURITE_PID=$!
  if ! wait_port "$table" 60 "$AZURITE_PID" || ! wait_port "$blob" 10 "$AZURITE_PID"; then
    echo "Azurite did not start; its log:" >&2; tail -n 20 "$dir/azurite.log" >&2; return 1
  fi
  local account=devstoreaccount1
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;"
  echo "# private Azurite (pid $AZURITE_PID) on 127.0.0.1:$blob/$queue/$table, data in $dir" >&2
}

# Starts a private PostgreSQL (the newest of Debian's /usr/lib/postgresql/*/bin) on 127.0.0.1:$1 with trust
# authentication and its data in a fresh temp folder, as the postgres user (initdb and postgres refuse root: run the
# script as root); further arguments are server options (-c name=value). Exports PGHOST, PGPORT and PGUSER for psql;
# sets PG_BIN and PG_DATA_DIR. stop_private_postgres stops it and removes the folder (e.g. trap stop_private_postgres EXIT).
start_private_postgres() {
  local port="$1"; shift
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)
  PG_DATA_DIR=$(mktemp -d /tmp/bench-pg.XXXXXX); chown postgres "$PG_DATA_DIR"
  export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
  su postgres -s /bin/sh -c "$PG_BIN/initdb -D $PG_DATA_DIR/data -A trust -U postgres >/dev/null"
  su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $PG_DATA_DIR/data -o '-p $port -c listen_addresses=127.0.0.1 $*' -l $PG_DATA_DIR/log -w start >/dev/null"
}

stop_private_postgres() {
  su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $PG_DATA_DIR/data -m fast stop >/dev/null"
  rm -rf "$PG_DATA_DIR"
}

# Writes throw-away TLS material for the TLS modes of the bench scripts into directory $1 (a temp dir of the run; never
# commit it): a CA (ca.pem), a server certificate for 127.0.0.1/localhost (server.pem, server.key) and a client
# certificate (client.pem, client.key), all signed by the CA, and the same as PKCS#12 stores for Java, password
# `changeit`: server.p12 and client.p12 (certificate and key), truststore.p12 (the CA). RSA 2048, valid one day.
# Sets TLS_STORE_PASSWORD.
make_tls_material() {
  local dir="$1" name
  command -v openssl >/dev/null && command -v keytool >/dev/null || { echo "openssl and keytool are needed for --tls" >&2; return 3; }
  mkdir -p "$dir"
  TLS_STORE_PASSWORD=changeit
  (
    set -e
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=bench CA" -keyout ca.key -out ca.pem \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    for name in server client; do
      openssl req -newkey rsa:2048 -nodes -subj "/CN=bench $name" -keyout "$name.key" -out "$name.csr" 2>/dev/null
      # Both usages on both: ZooKeeper's and Netty's checks differ in which one they want where.
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n' > "$name.ext"
      openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile "$name.ext" -out "$name.pem" 2>/dev/null
      openssl pkcs12 -export -in "$name.pem" -inkey "$name.key" -certfile ca.pem -name "$name" -out "$name.p12" -passout "pass:$TLS_STORE_PASSWORD"
    done
    keytool -importcert -noprompt -alias ca -file ca.pem -storetype PKCS12 -keystore truststore.p12 -storepass "$TLS_STORE_PASSWORD" >/dev/null 2>&1
  ) || { echo "could not make TLS material in $dir" >&2; return 3; }
}

# The JVM flags that make Debian's ZooKeeper Java client connect over TLS with the stores of make_tls_material $1
# (its certificate client.p12; it trusts only the bench CA and checks the server's name, 127.0.0.1), into array
# ZK_CLIENT_TLS_FLAGS. The Netty socket is what ZooKeeper's client needs for TLS.
zk_client_tls_flags() {
  ZK_CLIENT_TLS_FLAGS=(-Dzookeeper.client.secure=true -Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty
    "-Dzookeeper.ssl.keyStore.location=$1/client.p12" "-Dzookeeper.ssl.keyStore.password=$TLS_STORE_PASSWORD"
    "-Dzookeeper.ssl.trustStore.location=$1/truststore.p12" "-Dzookeeper.ssl.trustStore.password=$TLS_STORE_PASSWORD")
}

# The class path of ZkBench/ZkWatchBench: Debian's zookeeper.jar names netty-handler/-transport/-buffer/-common in its
# manifest but not netty-resolver and netty-codec, which the Netty client socket needs (NoClassDefFoundError otherwise).
# $1 = the compiled classes.
zk_client_classpath() { echo "$1:/usr/share/java/zookeeper.jar:/usr/share/java/netty-resolver.jar:/usr/share/java/netty-codec.jar:/usr/share/java/slf4j-nop.jar"; }
