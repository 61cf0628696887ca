# shellcheck shell=bash disable=SC2034  # variables here are used by the scripts that source this file
# lib.sh — shared helpers of the vipwatch test lab. Sourced by the lab scripts, never run.
#
# Naming, addressing and MACs live here only, so every script (and the Java tests reading
# lab.env / vipwatch.yml) agree on one topology. Two layouts, chosen by lab/up and kept in lab.env:
# split (the default; the Java tests are written against it):
#   data  198.51.100.0/25   bridge br-data in PREFIX-sw: watch eth0 .10, db<i> eth0 .(10+i), VIPs .100 (rw) .101 (ro)
#   mgmt  198.51.100.128/25 bridge br-mgmt in PREFIX-sw: watch eth1 .140, db<i> eth1 .(140+i)  (SSH, MySQL)
# flat (lab/up --vips V, for benchmarks with many VIPs):
#   data  198.51.100.0/24   bridge br-data only: watch eth0 .10, db<i> eth0 .(10+i) (SSH, MySQL too),
#                           VIP k=1..V v001..v200 at .(50+k) on db((k-1)%N+1)
#   200 VIPs and 41 hosts need 241 addresses: a /25 holds 126, so they cannot share a half of the /24
#   with the hosts, and a mgmt half would leave no room for them. There is no mgmt net then.
# optional, split only (lab/store-up): PREFIX-store, eth1 .200 on br-mgmt, MariaDB for a shared job store.
# Nothing is ever added to the root network namespace.

# Where the lab scripts and the repository are, from this file's location (works from any cwd).
VW_LAB_HOME=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
VW_REPO=$(dirname -- "$VW_LAB_HOME")

VW_DIR=${VIPWATCH_LAB_DIR:-/tmp/vipwatch-lab}
VW_PREFIX=${VIPWATCH_LAB_PREFIX:-vw}
VW_SCRIPT=${VW_SCRIPT:-lab}
VW_ENV_FILE=""                # set only for one vw_load_env call (a lab.env to check), never from outside
VW_T0=${EPOCHREALTIME//[.,]/}

VW_NET=198.51.100             # the only addresses the lab may use (TEST-NET-2), never routed anywhere
VW_WATCH_DATA_OCTET=10
VW_MAX_HOSTS=40               # db40 data .50 and mgmt .180 stay clear of the VIPs (.100 .101; flat .51+) and of broadcast
VW_MAX_VIPS=200               # flat layout: v200 at .250, below broadcast .255
VW_FLAT_VIP_BASE=50           # flat layout: VIP k (1-based) is .(50+k), right above db40's .50
# What follows depends on the layout; these are the split values, set again by vw_set_layout once
# lab/up has parsed its arguments or vw_load_env has read lab.env.
VW_LAYOUT='split'
VW_PLEN=25                    # split: both networks are /25 halves of the /24; flat: the whole /24
VW_MGMT_DEV=eth1              # the interface sshd and MariaDB are reached on (flat: eth0)
VW_MGMT_NET=mgmt              # its name in messages (flat: data)
VW_WATCH_MGMT_OCTET=140       # watch .140, db<i> .(140+i) on it; flat: 10, the data addresses
VW_VIP_NAMES=(rw ro)          # VIP k (0-based): name, last octet, index of the db host that owns it
VW_VIP_OCTETS=(100 101)
VW_VIP_HOMES=(1 2)
VW_MARKER=.vipwatch-lab       # marks a state dir as ours, so down/up only ever remove our own dirs
# The optional job-store database host (lab/store-up; split layout only): one MariaDB on the mgmt net
# that several vipwatch instances share (Quartz JDBC job store). .200 is clear of the watchdog (.140),
# the db hosts (.141-.180) and broadcast.
VW_STORE_OCTET=200
VW_STORE_DB=vipwatch_jobs     # the job store's database
VW_STORE_USER=vipwatch        # its user, 'vipwatch'@'198.51.100.%', ALL on VW_STORE_DB.* only

VW_SSHD_BIN=/usr/sbin/sshd
VW_MARIADBD_BIN=/usr/sbin/mariadbd

# ---------------------------------------------------------------- logging

vw_elapsed() {                # seconds since the script started, e.g. 1.234
  local now=${EPOCHREALTIME//[.,]/} us
  us=$((now - VW_T0))
  printf '%d.%03d' $((us / 1000000)) $((us % 1000000 / 1000))
}
vw_log() { printf '[lab/%s +%ss] %s\n' "$VW_SCRIPT" "$(vw_elapsed)" "$*" >&2; }
vw_warn() { printf '[lab/%s +%ss] WARNING: %s\n' "$VW_SCRIPT" "$(vw_elapsed)" "$*" >&2; }
vw_die() {
  printf 'lab/%s: error: %s\n' "$VW_SCRIPT" "$*" >&2
  exit 1
}
vw_usage_error() {            # bad arguments: message plus a pointer to --help, exit 2
  printf 'lab/%s: %s (see lab/%s --help)\n' "$VW_SCRIPT" "$*" "$VW_SCRIPT" >&2
  exit 2
}

# ---------------------------------------------------------------- checks of inputs

vw_require_root() { [[ $EUID -eq 0 ]] || vw_die "must run as root (namespaces, sshd, mariadbd)"; }

# The prefix and dir end up in namespace names and in rm -rf: allow a strict charset only.
vw_check_settings() {
  [[ $VW_PREFIX =~ ^[a-z][a-z0-9]{0,7}$ ]] ||
    vw_die "VIPWATCH_LAB_PREFIX='$VW_PREFIX' must match ^[a-z][a-z0-9]{0,7}$"
  [[ $VW_DIR =~ ^/[A-Za-z0-9._/-]+$ && $VW_DIR != *..* && $VW_DIR =~ ^/[^/]+/[^/]+ ]] ||
    vw_die "VIPWATCH_LAB_DIR='$VW_DIR' must be an absolute path at least two levels deep, [A-Za-z0-9._/-] only"
  VW_DIR=${VW_DIR%/}
  VW_NS_SW=$VW_PREFIX-sw
  VW_NS_WATCH=$VW_PREFIX-watch
  VW_NS_STORE=$VW_PREFIX-store
  VW_STORE_DIR=$VW_DIR/store   # my.cnf, data/, pid file, socket, logs of the store's MariaDB
  VW_STORE_PW=$VW_DIR/store.pw # the password of VW_STORE_USER (mode 600)
  VW_STORE_CNF=$VW_DIR/store.cnf   # a mariadb client option file for VW_STORE_USER (mode 600)
}

vw_is_lab_ipv4() {            # strict dotted quad inside 198.51.100.0/24, no prefix length
  [[ $1 =~ ^198\.51\.100\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$ ]]
}
vw_is_mac() { [[ $1 =~ ^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$ ]]; }

# vw_parse_vip ARG — accepts A or A/PLEN (25 split, 24 flat), sets VW_ARG_IP=A; anything else is a usage error.
vw_parse_vip() {
  local a=${1%/"$VW_PLEN"}
  vw_is_lab_ipv4 "$a" || vw_usage_error "'$1' is not an address in $VW_NET.0/24 (optionally with /$VW_PLEN)"
  VW_ARG_IP=$a
}

# vw_parse_host NAME — db<i> with 1<=i<=hosts of the running lab; sets VW_ARG_I=i.
vw_parse_host() {
  [[ $1 =~ ^db([1-9][0-9]?)$ ]] || vw_usage_error "'$1' is not a host name (db1..db$VW_HOSTS)"
  ((BASH_REMATCH[1] <= VW_HOSTS)) || vw_usage_error "no host '$1' in this lab (db1..db$VW_HOSTS)"
  VW_ARG_I=${BASH_REMATCH[1]}
}

# ---------------------------------------------------------------- topology

vw_ns_db() { printf '%s-db%d' "$VW_PREFIX" "$1"; }
vw_data_ip() { printf '%s.%d' "$VW_NET" $((VW_WATCH_DATA_OCTET + $1)); }   # I (0 = the watchdog)
vw_mgmt_ip() { printf '%s.%d' "$VW_NET" $((VW_WATCH_MGMT_OCTET + $1)); }   # I — sshd, MariaDB (flat: = data)
vw_store_ip() { printf '%s.%d' "$VW_NET" "$VW_STORE_OCTET"; }              # the job-store host (split only)
vw_mac() { printf '02:00:00:00:%02x:%02x' "$1" "$2"; }   # NIC(0 eth0, 1 eth1, 2 eth2) LAST_OCTET
vw_vip_count() { echo "${#VW_VIP_NAMES[@]}"; }
vw_host_dir() { printf '%s/db%d' "$VW_DIR" "$1"; }

# vw_set_layout split|flat [VIPS] — the layout's prefix length, management interface and VIPs.
# VW_HOSTS must be set. Loops over VIPs use the arrays (a $(vw_vip_count) per iteration would fork).
vw_set_layout() {
  local k name
  case $1 in
    split)
      VW_LAYOUT=split VW_PLEN=25 VW_MGMT_DEV=eth1 VW_MGMT_NET=mgmt VW_WATCH_MGMT_OCTET=140
      VW_VIP_NAMES=(rw ro) VW_VIP_OCTETS=(100 101) VW_VIP_HOMES=(1 2)
      if ((VW_HOSTS < 2)); then             # ro needs a db2
        VW_VIP_NAMES=(rw) VW_VIP_OCTETS=(100) VW_VIP_HOMES=(1)
      fi
      ;;
    flat)
      if ! [[ ${2:-} =~ ^[1-9][0-9]{0,2}$ ]] || (($2 > VW_MAX_VIPS)); then
        vw_die "the flat layout needs 1..$VW_MAX_VIPS VIPs, not '${2:-}'"
      fi
      VW_LAYOUT=flat VW_PLEN=24 VW_MGMT_DEV=eth0 VW_MGMT_NET=data VW_WATCH_MGMT_OCTET=$VW_WATCH_DATA_OCTET
      VW_VIP_NAMES=() VW_VIP_OCTETS=() VW_VIP_HOMES=()
      for ((k = 1; k <= $2; k++)); do
        printf -v name 'v%03d' "$k"      # no $(...): 200 forks would cost ~0.3 s in every script
        VW_VIP_NAMES+=("$name")
        VW_VIP_OCTETS+=($((VW_FLAT_VIP_BASE + k)))
        VW_VIP_HOMES+=($(((k - 1) % VW_HOSTS + 1)))
      done
      ;;
    *) vw_die "unknown lab layout '$1' (split or flat)" ;;
  esac
}

# vw_vip_neigh_flush — `ip -batch` lines that drop every VIP's neighbour entry (any state).
vw_vip_neigh_flush() {
  local o
  for o in "${VW_VIP_OCTETS[@]}"; do printf 'neigh flush to %s.%d nud all\n' "$VW_NET" "$o"; done
}

# vw_is_lab_ns NAME — true if NAME is one of our namespace names: exactly PREFIX-sw, PREFIX-watch,
# PREFIX-db<digits> or PREFIX-store.
vw_is_lab_ns() {
  [[ $1 == "$VW_PREFIX-sw" || $1 == "$VW_PREFIX-watch" || $1 == "$VW_PREFIX-store" || $1 =~ ^"$VW_PREFIX"-db[0-9]+$ ]]
}

# Our namespaces that exist now (vw_is_lab_ns).
vw_existing_namespaces() {
  local name _
  while read -r name _; do
    if vw_is_lab_ns "$name"; then printf '%s\n' "$name"; fi
  done < <(ip netns list 2>/dev/null)
}

# ---------------------------------------------------------------- lab.env

# lab.env is shell-sourceable for humans and tests, but the scripts parse it strictly instead of
# sourcing it (root must not execute a file just because it sits in a temp dir).
# Sets VW_HOSTS, VW_READY, VW_STORE and the layout (vw_set_layout). A lab.env without
# VIPWATCH_LAB_LAYOUT was written before layouts existed: split. Reads $VW_DIR/lab.env, or $VW_ENV_FILE
# if set (lab/store-up checks a new lab.env that way before it replaces the old one).
# The store lines (lab/store-up) are all or nothing, each with the one value it can have, split only:
# VW_STORE=1 then.
vw_load_env() {
  local f=${VW_ENV_FILE:-$VW_DIR/lab.env} key val layout='' vips='' nstore=0
  local -A store_want=(
    [VIPWATCH_LAB_STORE]=$VW_NET.$VW_STORE_OCTET [VIPWATCH_LAB_NS_STORE]=$VW_NS_STORE
    [VIPWATCH_LAB_STORE_DB]=$VW_STORE_DB [VIPWATCH_LAB_STORE_USER]=$VW_STORE_USER
    [VIPWATCH_LAB_STORE_PASSWORD_FILE]=$VW_STORE_PW [VIPWATCH_LAB_STORE_CLIENT_CNF]=$VW_STORE_CNF
  )
  local -A store_seen=()
  VW_HOSTS='' VW_READY=0 VW_STORE=0
  [[ -f $f ]] || return 1
  while IFS='=' read -r key val; do
    val=${val#\"} val=${val%\"}
    case $key in
      VIPWATCH_LAB_STORE | VIPWATCH_LAB_NS_STORE | VIPWATCH_LAB_STORE_*)
        [[ -n ${store_want[$key]:-} ]] || vw_die "$f has an unknown key $key"
        [[ -z ${store_seen[$key]:-} ]] || vw_die "$f has $key twice"
        [[ $val == "${store_want[$key]}" ]] || vw_die "$f has $key='$val' (expected '${store_want[$key]}')"
        store_seen[$key]=1 nstore=$((nstore + 1)) ;;
      VIPWATCH_LAB_HOSTS) [[ $val =~ ^[1-9][0-9]?$ ]] && ((val <= VW_MAX_HOSTS)) && VW_HOSTS=$val ;;
      VIPWATCH_LAB_READY) [[ $val == 1 ]] && VW_READY=1 ;;
      VIPWATCH_LAB_PREFIX) [[ $val == "$VW_PREFIX" ]] ||
        vw_die "$f belongs to prefix '$val' but VIPWATCH_LAB_PREFIX is '$VW_PREFIX'" ;;
      VIPWATCH_LAB_LAYOUT) [[ $val == split || $val == flat ]] ||
        vw_die "$f has VIPWATCH_LAB_LAYOUT='$val' (split or flat)"
        layout=$val ;;
      VIPWATCH_LAB_VIPS)
        if ! [[ $val =~ ^[1-9][0-9]{0,2}$ ]] || ((val > VW_MAX_VIPS)); then
          vw_die "$f has VIPWATCH_LAB_VIPS='$val' (1..$VW_MAX_VIPS)"
        fi
        vips=$val ;;
    esac
  done <"$f"
  [[ -n $VW_HOSTS ]] || vw_die "$f has no valid VIPWATCH_LAB_HOSTS"
  if ((nstore > 0)); then
    ((nstore == ${#store_want[@]})) ||
      vw_die "$f has $nstore of the ${#store_want[@]} VIPWATCH_LAB_STORE* lines (lab/store-up writes all of them)"
    [[ $layout != flat ]] || vw_die "$f has a job store (VIPWATCH_LAB_STORE) in the flat layout"
    VW_STORE=1
  fi
  if [[ $layout == flat ]]; then
    [[ -n $vips ]] || vw_die "$f has VIPWATCH_LAB_LAYOUT=flat but no VIPWATCH_LAB_VIPS"
    vw_set_layout flat "$vips"
  else
    vw_set_layout split
    [[ -z $vips || $vips == "${#VW_VIP_NAMES[@]}" ]] ||
      vw_die "$f has VIPWATCH_LAB_VIPS=$vips but the split layout with $VW_HOSTS host(s) has ${#VW_VIP_NAMES[@]}"
  fi
}

# vw_need_lab — load lab.env of a built lab or stop with a hint.
vw_need_lab() {
  vw_load_env || vw_die "no lab at $VW_DIR (run lab/up first)"
  [[ -e /run/netns/$VW_NS_SW ]] || vw_die "lab at $VW_DIR has no namespace $VW_NS_SW (run lab/down, then lab/up)"
}

vw_write_env() {              # READY(0|1) — written early (so a failed up can be torn down) and at the end
  local i list=''
  for ((i = 1; i <= VW_HOSTS; i++)); do list+="${list:+ }$(vw_ns_db "$i")"; done
  {
    echo "# generated by lab/up — the running vipwatch lab; shell-sourceable"
    echo "VIPWATCH_LAB_PREFIX=$VW_PREFIX"
    echo "VIPWATCH_LAB_HOSTS=$VW_HOSTS"
    echo "VIPWATCH_LAB_LAYOUT=$VW_LAYOUT"
    echo "VIPWATCH_LAB_VIPS=${#VW_VIP_NAMES[@]}"
    echo "VIPWATCH_LAB_DIR=$VW_DIR"
    echo "VIPWATCH_LAB_NS_SW=$VW_NS_SW"
    echo "VIPWATCH_LAB_NS_WATCH=$VW_NS_WATCH"
    echo "VIPWATCH_LAB_NS_DBS=\"$list\""
    echo "VIPWATCH_LAB_CONFIG=$VW_DIR/vipwatch.yml"
    echo "VIPWATCH_LAB_READY=$1"
  } >"$VW_DIR/lab.env.tmp"
  mv -f "$VW_DIR/lab.env.tmp" "$VW_DIR/lab.env"
}

# ---------------------------------------------------------------- bounded polling

# vw_poll TIMEOUT_MS INTERVAL_MS CMD... — run CMD until it succeeds; bounded by time and by count.
vw_poll() {
  local timeout_ms=$1 interval_ms=$2 tries max start now
  shift 2
  start=${EPOCHREALTIME//[.,]/}
  max=$((timeout_ms / interval_ms + 2))
  for ((tries = 1; tries <= max; tries++)); do
    if "$@"; then return 0; fi
    now=${EPOCHREALTIME//[.,]/}
    (((now - start) / 1000 < timeout_ms)) || return 1
    sleep "$((interval_ms / 1000)).$(printf '%03d' $((interval_ms % 1000)))"
  done
  return 1
}

# ---------------------------------------------------------------- processes (by pid file only)

# vw_pid_of PIDFILE EXE MARK — true if the pid in PIDFILE is alive, runs EXE and has MARK in its
# command line (pid reuse or a foreign daemon must never be signalled); sets VW_PID.
# Builtins only: tests call heal/fault often and every fork costs ~5-10 ms here.
vw_pid_of() {
  local pidfile=$1 exe=$2 mark=$3 pid=''
  VW_PID=''
  [[ -r $pidfile ]] || return 1
  read -r pid <"$pidfile" || [[ -n $pid ]] || return 1
  [[ $pid =~ ^[1-9][0-9]{0,9}$ ]] || return 1
  vw_pid_runs "$pid" "$exe" "$mark" || return 1
  VW_PID=$pid
}

# vw_pid_runs PID EXE [MARK] — true if PID is alive (a zombie has no exe), runs EXE, cmdline contains MARK.
vw_pid_runs() {
  local pid=$1 exe=$2 mark=${3:-} argv=()
  [[ /proc/$pid/exe -ef $exe ]] || return 1
  [[ -z $mark ]] && return 0
  mapfile -t -d '' argv 2>/dev/null <"/proc/$pid/cmdline" || return 1
  [[ "${argv[*]}" == *"$mark"* ]]
}

_vw_all_gone() {             # "PID:EXE:MARK"... — true when none of them runs any more
  local t pid exe mark
  for t in "$@"; do
    IFS=: read -r pid exe mark <<<"$t"
    if vw_pid_runs "$pid" "$exe" "$mark"; then return 1; fi
  done
}

# vw_stop_pids TIMEOUT_MS "PID:EXE:MARK"... — TERM all, wait (bounded), KILL the rest, wait again.
# All are signalled first so several daemons shut down in parallel.
vw_stop_pids() {
  local timeout_ms=$1 t pid exe mark left
  shift
  (($# > 0)) || return 0
  for t in "$@"; do
    IFS=: read -r pid exe mark <<<"$t"
    if vw_pid_runs "$pid" "$exe" "$mark"; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  vw_poll "$timeout_ms" 50 _vw_all_gone "$@" && return 0
  left=0
  for t in "$@"; do
    IFS=: read -r pid exe mark <<<"$t"
    if vw_pid_runs "$pid" "$exe" "$mark"; then
      vw_warn "pid $pid ($exe) ignored SIGTERM for ${timeout_ms}ms: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      left=1
    fi
  done
  ((left == 0)) || vw_poll 3000 50 _vw_all_gone "$@" || vw_warn "some processes survived SIGKILL: $*"
}

# vw_stop_in_namespaces TIMEOUT_MS NS... — stop every process running in these namespaces (not this
# script). Everything in them was started by the lab or through it; left alive it would pin a deleted
# namespace. (lab/down, lab/store-down)
vw_stop_in_namespaces() {
  local timeout_ms=$1 n pid exe targets=()
  shift
  for n in "$@"; do
    [[ -e /run/netns/$n ]] || continue
    while read -r pid; do
      [[ $pid =~ ^[0-9]+$ && $pid != "$$" ]] || continue
      exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
      exe=${exe% (deleted)}
      vw_log "stopping leftover pid $pid ($exe) in namespace $n"
      targets+=("$pid:$exe:")
    done < <(ip netns pids "$n" 2>/dev/null || true)
  done
  if ((${#targets[@]} > 0)); then vw_stop_pids "$timeout_ms" "${targets[@]}"; fi
}

# ---------------------------------------------------------------- daemons of db host i

# vw_mysqld_pid I / vw_sshd_pid I — true if that daemon of db<i> runs; sets VW_PID.
vw_mysqld_pid() { vw_pid_of "$VW_DIR/db$1/mysqld.pid" "$VW_MARIADBD_BIN" "$VW_DIR/db$1/"; }
vw_store_mysqld_pid() { vw_pid_of "$VW_STORE_DIR/mysqld.pid" "$VW_MARIADBD_BIN" "$VW_STORE_DIR/"; }   # the job store's
vw_sshd_pid() { vw_pid_of "$VW_DIR/db$1/sshd.pid" "$VW_SSHD_BIN" "$VW_DIR/db$1/"; }

# Daemons run under their own UTS namespace with hostname db<i> (so `hostname` over SSH and
# @@hostname in MariaDB tell hosts apart) and in their own session (setsid: no terminal signals,
# not children of the short-lived script that started them). stdio goes to files so no pipe of a
# caller (Maven!) is ever held open.
vw_start_mysqld() {
  local i=$1 d ns
  d=$(vw_host_dir "$i") ns=$(vw_ns_db "$i")
  # remember where this start's part of the error log begins (an old "Aborting" must not count)
  stat -c %s "$d/mysqld.err" >"$d/mysqld.err.offset" 2>/dev/null || echo 0 >"$d/mysqld.err.offset"
  # shellcheck disable=SC2016  # $1/$@ belong to the inner sh
  setsid -f ip netns exec "$ns" unshare --uts -- sh -c 'echo "$1" >/proc/sys/kernel/hostname && shift && exec "$@"' \
    sh "db$i" "$VW_MARIADBD_BIN" --defaults-file="$d/my.cnf" </dev/null >>"$d/mysqld.out" 2>&1
}

vw_mysqld_ready() { mariadb-admin --defaults-file="$(vw_host_dir "$1")/my.cnf" --connect-timeout=1 ping >/dev/null 2>&1; }

# _vw_mysqld_aborted DIR — true if this start's part of DIR/mysqld.err says "[ERROR] Aborting".
# Builtins only (it runs every 100 ms for every waiting server): skip the bytes before this start's
# offset with read -N (LC_ALL=C: bytes, not characters), then scan the rest line by line.
_vw_mysqld_aborted() {
  local LC_ALL=C off=0 line
  [[ -f $1/mysqld.err ]] || return 1
  [[ -r $1/mysqld.err.offset ]] && read -r off <"$1/mysqld.err.offset"
  [[ $off =~ ^[0-9]+$ ]] || off=0
  {
    ((off == 0)) || read -r -N "$off" _ || return 1
    while IFS= read -r line; do
      [[ $line == *'[ERROR] Aborting'* ]] && return 0
    done
  } <"$1/mysqld.err"
  return 1
}

_vw_mysqld_up_or_dead() {    # I DIR — ready, or gave up (then VW_MYSQLD_ABORTED=1)
  # no socket yet: cannot answer, so no mariadb-admin process is started for it
  [[ -S $2/mysqld.sock ]] && vw_mysqld_ready "$1" && return 0
  if _vw_mysqld_aborted "$2"; then
    VW_MYSQLD_ABORTED=1
    return 0
  fi
  return 1
}

_vw_mysqld_not_ready() {      # I DIR — the message when a server did not come up
  printf 'lab/%s: mariadbd of db%d did not become ready; last lines of %s:\n' "$VW_SCRIPT" "$1" "$2/mysqld.err" >&2
  tail -n 15 "$2/mysqld.err" >&2 2>/dev/null || true
}

# vw_wait_mysqld I TIMEOUT_MS — wait until mariadbd of db<i> answers on its socket; fail fast if it aborted.
vw_wait_mysqld() {
  local i=$1 timeout_ms=${2:-60000} d
  d=$(vw_host_dir "$i")
  VW_MYSQLD_ABORTED=0
  if ! vw_poll "$timeout_ms" 100 _vw_mysqld_up_or_dead "$i" "$d" || ((VW_MYSQLD_ABORTED)); then
    _vw_mysqld_not_ready "$i" "$d"
    return 1
  fi
}

# vw_wait_mysqlds TIMEOUT_MS I... — vw_wait_mysqld for many hosts with one poller. 40 pollers of their
# own (each forking mariadb-admin and sleep every 100 ms) kept this 2-CPU machine busy and slowed
# down the very servers they waited for. Fails if any server aborted or is not ready in time.
vw_wait_mysqlds() {
  local timeout_ms=$1 i d round max start now rc=0
  shift
  local -A pending=()
  for i in "$@"; do pending[$i]=1; done
  start=${EPOCHREALTIME//[.,]/}
  max=$((timeout_ms / 100 + 2))
  for ((round = 1; round <= max && ${#pending[@]} > 0; round++)); do
    for i in "${!pending[@]}"; do
      d=$VW_DIR/db$i
      VW_MYSQLD_ABORTED=0
      _vw_mysqld_up_or_dead "$i" "$d" || continue
      unset "pending[$i]"
      if ((VW_MYSQLD_ABORTED)); then _vw_mysqld_not_ready "$i" "$d"; rc=1; fi
    done
    ((${#pending[@]} > 0)) || break
    now=${EPOCHREALTIME//[.,]/}
    (((now - start) / 1000 < timeout_ms)) || break
    sleep 0.1
  done
  for i in "${!pending[@]}"; do _vw_mysqld_not_ready "$i" "$VW_DIR/db$i"; rc=1; done
  return "$rc"
}

vw_start_sshd() {
  local i=$1 d ns rootrc=~root/.bashrc
  d=$(vw_host_dir "$i") ns=$(vw_ns_db "$i")
  install -d -m 0755 /run/sshd        # privilege separation dir, required by sshd
  : >"$d/empty-bashrc"
  # bash run by sshd sources ~/.bashrc even for `ssh host cmd`; this machine's root .bashrc runs
  # `pyenv init` (~0.5 s per command). A real DB host has no such thing: in sshd's own mount
  # namespace an empty file is bind-mounted over it (the root namespace's file is untouched).
  # shellcheck disable=SC2016  # $1.. belong to the inner sh
  ip netns exec "$ns" unshare --uts --mount -- sh -c \
    'echo "$1" >/proc/sys/kernel/hostname && { [ ! -f "$2" ] || mount --bind "$3" "$2"; } && shift 3 && exec "$@"' \
    sh "db$i" "$rootrc" "$d/empty-bashrc" \
    "$VW_SSHD_BIN" -f "$d/sshd_config" -E "$d/sshd.log" </dev/null >>"$d/sshd.out" 2>&1
}

# vw_port22_answers I — from the watchdog, connect to the address sshd of db<i> listens on, read the banner.
vw_port22_answers() {
  # shellcheck disable=SC2016  # $1/$line belong to the inner bash
  timeout 2 ip netns exec "$VW_NS_WATCH" bash -c \
    'exec 3<>"/dev/tcp/$1/22" && read -r -t 1 line <&3 && [[ $line == SSH-* ]]' _ "$(vw_mgmt_ip "$1")" 2>/dev/null
}

vw_wait_sshd() {
  local i=$1 timeout_ms=${2:-15000}
  vw_poll "$timeout_ms" 100 vw_port22_answers "$i" ||
    { printf 'lab/%s: sshd of db%d does not answer on %s:22\n' "$VW_SCRIPT" "$i" "$(vw_mgmt_ip "$i")" >&2; return 1; }
}

# ssh options the watchdog uses for a db host: our key and known_hosts only, never prompt.
vw_ssh_opts() {
  VW_SSH_OPTS=(-n -F /dev/null -o BatchMode=yes -o ConnectTimeout=2 -o StrictHostKeyChecking=yes
    -o "UserKnownHostsFile=$VW_DIR/known_hosts" -o GlobalKnownHostsFile=/dev/null
    -o IdentitiesOnly=yes -o LogLevel=ERROR -i "$VW_DIR/id_ed25519")
}

# ---------------------------------------------------------------- ARP

# vw_garp NS ADDR — one gratuitous ARP reply (-A) for ADDR from eth0 of NS.
# iputils arping -c 1 -A lingers ~1 s after sending; the packet leaves within ms, so it is stopped
# with SIGINT after 0.1 s and its summary line checked ("Sent 1 probes"); one slower retry if not.
vw_garp() {
  local ns=$1 addr=$2 out
  out=$(timeout --preserve-status -s INT 0.1 ip netns exec "$ns" arping -c 1 -A -I eth0 "$addr" 2>&1) || true
  [[ $out == *"Sent 1 probe"* ]] && return 0
  out=$(timeout --preserve-status -s INT 2 ip netns exec "$ns" arping -c 1 -A -I eth0 "$addr" 2>&1) || true
  [[ $out == *"Sent 1 probe"* ]] || { printf 'lab/%s: gratuitous ARP for %s from %s failed: %s\n' "$VW_SCRIPT" "$addr" "$ns" "$out" >&2; return 1; }
}

# ---------------------------------------------------------------- misc

# vw_wait_all PID... — wait for background jobs; fail if any failed (after waiting for all).
vw_wait_all() {
  local p rc=0
  for p in "$@"; do wait "$p" || rc=1; done
  return "$rc"
}
