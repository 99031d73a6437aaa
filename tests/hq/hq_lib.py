"""A private PostgreSQL cluster for the head-office tests (issue 13): initdb
and pg_ctl in a temporary folder, on a free loopback port, with TLS (a
self-signed certificate made by openssl here) and every statement logged, so
that a test can show no password ever reached the log. PostgreSQL refuses to
run as root: under root (CI) the cluster runs as the system user postgres.
The cluster is stopped at the end, also when a test fails or is interrupted.
Nothing is mocked. Exits 77 (skipped) when PostgreSQL is not installed."""
import atexit
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile

ENTREPOT = os.environ["ENTREPOT"]
PASS = 0
FAIL = 0


def check(cond, what):
    global PASS, FAIL
    if cond:
        PASS += 1
    else:
        FAIL += 1
        print("FAIL:", what, flush=True)
    return cond


def pg_bindir():
    try:
        d = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        if d and os.path.exists(os.path.join(d, "initdb")):
            return d
    except OSError:
        pass
    for v in ("17", "16", "15"):
        d = f"/usr/lib/postgresql/{v}/bin"
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    return None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Cluster:
    def __init__(self):
        self.bindir = pg_bindir()
        if self.bindir is None:
            print("SKIP: PostgreSQL (initdb, pg_ctl) is not installed: apt-get install postgresql")
            sys.exit(77)
        self.dir = tempfile.mkdtemp(prefix="ent-hq-")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        self.sock = os.path.join(self.dir, "sock")
        self.log = os.path.join(self.dir, "postgres.log")
        self.port = free_port()
        self.as_user = []
        self.uid = None
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            self.uid, self.gid = pw.pw_uid, pw.pw_gid
            self.as_user = ["runuser", "-u", "postgres", "--"]
        os.mkdir(self.sock)
        self.own(self.sock)
        self.own(self.dir)
        atexit.register(self.cleanup)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        self.cert = os.path.join(self.dir, "server.crt")
        key = os.path.join(self.dir, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", key, "-out", self.cert], check=True, capture_output=True)
        os.chmod(key, 0o600)
        self.own(key)
        self.run_pg("initdb", "-D", self.data, "-U", "hqadmin", "--auth-local=trust", "--auth-host=reject",
                    "-E", "UTF8", "--locale=C.UTF-8")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.sock}'\n"
                    f"ssl = on\nssl_cert_file = '{self.cert}'\nssl_key_file = '{key}'\n"
                    "log_statement = 'all'\nfsync = off\nmax_connections = 40\n")
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as f:
            f.write("local all all trust\n"
                    "hostssl all all 127.0.0.1/32 scram-sha-256\n"
                    "hostnossl all all 127.0.0.1/32 reject\n")
        self.started = False
        self.start()
        self.psql("CREATE DATABASE hq", db="postgres")
        # the administrator: over the local socket (trust), as the tests' owner of head office
        self.admin = f"host={self.sock} port={self.port} dbname=hq user=hqadmin"

    def own(self, path):
        if self.uid is not None:
            os.chown(path, self.uid, self.gid)

    def run_pg(self, prog, *args):
        p = subprocess.run(self.as_user + [os.path.join(self.bindir, prog), *args], capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"{prog} failed: {p.stdout}{p.stderr}")
        return p

    def start(self):
        self.run_pg("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start")
        self.started = True

    def stop(self, mode="fast"):
        if self.started:
            self.started = False
            subprocess.run(self.as_user + [os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", mode, "-w",
                                           "stop"], capture_output=True)

    def restart(self):
        self.stop("fast")
        self.start()

    def cleanup(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, sql, db="hq", user="hqadmin", ok=True):
        """Runs sql as the administrator over the socket; the rows as text."""
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.sock, "-p",
                            str(self.port), "-U", user, "-d", db, "-c", sql], capture_output=True, text=True)
        if ok and p.returncode != 0:
            raise SystemExit(f"psql failed: {sql}: {p.stderr}")
        return p if not ok else p.stdout.strip()

    def store_url(self, code, sslmode="verify-full"):
        return (f"host=localhost hostaddr=127.0.0.1 port={self.port} dbname=hq user=entrepot_store_{code.lower()} "
                f"sslmode={sslmode} sslrootcert={self.cert}")

    def psql_store(self, code, password, sql):
        """Runs sql as a store's role over TLS: the completed process."""
        e = dict(os.environ, PGPASSWORD=password)
        return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", self.store_url(code),
                               "-c", sql], capture_output=True, text=True, env=e)

    def log_text(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")


def entrepot(*args, db=None, env=None, stdin=None):
    e = dict(os.environ)
    e.pop("ENTREPOT_NOW", None)
    e.pop("ENTREPOT_SYNC_HOLD", None)
    if env:
        e.update(env)
    cmd = [ENTREPOT] + (["--db", db] if db else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, env=e, input=stdin)


def dump(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def local_events(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT uuid FROM sync_outbox ORDER BY seq")]
    finally:
        con.close()


def sqlite(db, sql):
    """One value of sql on db, read-only."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def sqlite_rows(db, sql):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def finish(cluster):
    print(f"{PASS} passed, {FAIL} failed")
    cluster.cleanup()
    sys.exit(1 if FAIL else 0)
