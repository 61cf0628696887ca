# shellcheck shell=bash
# store-lib.sh — helpers shared by the job-store scripts of the lab (store-up, store-down, store-stop,
# store-start, store-sql). Sourced after lib.sh, never run.
#
# The job store is one MariaDB on its own host, PREFIX-store (eth1 .200 on br-mgmt, split layout only),
# for several vipwatch instances sharing a Quartz JDBC job store. Its files live in $VW_STORE_DIR
# (lib.sh), so lab/down removes them with the state dir; its password in $VW_STORE_PW.

# vw_store_sql SQL — as root over the store's socket; tab-separated, no column names.
vw_store_sql() {
  mariadb --defaults-file="$VW_STORE_DIR/my.cnf" --connect-timeout=2 -N -B -e "$1" </dev/null
}

# Like vw_start_mysqld: own UTS namespace (hostname "store"), own session, stdio to files.
vw_store_start_mysqld() {
  local d=$VW_STORE_DIR
  # remember where this start's part of the error log begins (an old "Aborting" must not count)
  stat -c %s "$d/mysqld.err" >"$d/mysqld.err.offset" 2>/dev/null || echo 0 >"$d/mysqld.err.offset"
  # shellcheck disable=SC2016  # $1/$@ belong to the inner sh
  setsid -f ip netns exec "$VW_NS_STORE" unshare --uts -- sh -c 'echo "$1" >/proc/sys/kernel/hostname && shift && exec "$@"' \
    sh store "$VW_MARIADBD_BIN" --defaults-file="$d/my.cnf" </dev/null >>"$d/mysqld.out" 2>&1
}

# vw_store_from_watch_ok — the store's user logs in over TCP from the watchdog namespace, as vipwatch will.
vw_store_from_watch_ok() {
  ip netns exec "$VW_NS_WATCH" mariadb --defaults-file="$VW_STORE_CNF" -h "$(vw_store_ip)" \
    -N -e 'SELECT 1' </dev/null >/dev/null 2>&1
}

# _vw_store_up_or_dead CHECK — CHECK succeeds (only tried once the socket exists: a server without it
# cannot answer), or this start's error log says it gave up (then VW_MYSQLD_ABORTED=1).
_vw_store_up_or_dead() {
  [[ -S $VW_STORE_DIR/mysqld.sock ]] && "$1" && return 0
  if _vw_mysqld_aborted "$VW_STORE_DIR"; then
    VW_MYSQLD_ABORTED=1
    return 0
  fi
  return 1
}
_vw_store_socket_ok() { mariadb-admin --defaults-file="$VW_STORE_DIR/my.cnf" --connect-timeout=1 ping >/dev/null 2>&1; }

# vw_store_wait socket|watch TIMEOUT_MS — wait until the store's MariaDB answers on its socket (root) or
# from the watchdog over TCP (the store's user); fail fast if it aborted.
vw_store_wait() {
  local check=_vw_store_socket_ok
  [[ $1 == watch ]] && check=vw_store_from_watch_ok
  VW_MYSQLD_ABORTED=0
  if ! vw_poll "$2" 100 _vw_store_up_or_dead "$check" || ((VW_MYSQLD_ABORTED)); then
    if ((VW_MYSQLD_ABORTED)); then
      printf 'lab/%s: the store'"'"'s MariaDB aborted its start; last lines of %s:\n' "$VW_SCRIPT" "$VW_STORE_DIR/mysqld.err" >&2
    elif [[ $1 == watch ]]; then
      printf 'lab/%s: the store'"'"'s MariaDB does not accept %s from %s over %s:3306 within %d ms; last lines of %s:\n' \
        "$VW_SCRIPT" "$VW_STORE_USER" "$VW_NS_WATCH" "$(vw_store_ip)" "$2" "$VW_STORE_DIR/mysqld.err" >&2
    else
      printf 'lab/%s: the store'"'"'s MariaDB did not become ready within %d ms; last lines of %s:\n' \
        "$VW_SCRIPT" "$2" "$VW_STORE_DIR/mysqld.err" >&2
    fi
    tail -n 15 "$VW_STORE_DIR/mysqld.err" >&2 2>/dev/null || true
    return 1
  fi
}

# vw_store_env_without FILE — FILE's lines without those lab/store-up adds (stdout).
vw_store_env_without() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    case $line in
      VIPWATCH_LAB_STORE=* | VIPWATCH_LAB_STORE_*=* | VIPWATCH_LAB_NS_STORE=* | '# added by lab/store-up'*) ;;
      *) printf '%s\n' "$line" ;;
    esac
  done <"$1"
}

# vw_store_write_env add|remove — rewrite lab.env with or without the store lines. The new file is
# checked with lab.env's own strict parser (vw_load_env) first and only then moved into place.
vw_store_write_env() {
  local f=$VW_DIR/lab.env tmp=$VW_DIR/lab.env.store.tmp
  [[ -f $f ]] || return 0
  if [[ $1 == remove ]] && [[ $(vw_store_env_without "$f") == "$(<"$f")" ]]; then return 0; fi   # nothing to remove
  {
    vw_store_env_without "$f"
    if [[ $1 == add ]]; then
      echo "# added by lab/store-up — the job-store database host (MariaDB on $(vw_store_ip):3306)"
      echo "VIPWATCH_LAB_STORE=$(vw_store_ip)"
      echo "VIPWATCH_LAB_NS_STORE=$VW_NS_STORE"
      echo "VIPWATCH_LAB_STORE_DB=$VW_STORE_DB"
      echo "VIPWATCH_LAB_STORE_USER=$VW_STORE_USER"
      echo "VIPWATCH_LAB_STORE_PASSWORD_FILE=$VW_STORE_PW"
      echo "VIPWATCH_LAB_STORE_CLIENT_CNF=$VW_STORE_CNF"
    fi
  } >"$tmp"
  local want=0
  [[ $1 == add ]] && want=1
  # in a subshell: vw_load_env exits on a bad file, and it sets the lab's variables
  # shellcheck disable=SC2030  # VW_STORE is meant to stay in the subshell
  if ! (VW_ENV_FILE=$tmp vw_load_env && ((VW_STORE == want))); then
    rm -f -- "$tmp"
    vw_die "the rewritten lab.env was not accepted by its parser; $f left unchanged"
  fi
  mv -f -- "$tmp" "$f"
}
