# Shared by ./drydock and ./run-tests: pick a JDK >= 21 and make sure Maven and Debian tools exist.
# Sourced, not executed.

# The feature version of the JDK at $1 (a JAVA_HOME), read from its release file: cheaper than starting a JVM.
drydock_java_major() {
  local v=""
  [ -f "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    v=${v%%.*}
  fi
  echo "${v:-0}"
}

drydock_java_ok() {
  [ "$(drydock_java_major "$1")" -ge 21 ] 2>/dev/null
}

# Sets JAVA_HOME to a JDK >= 21: JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
drydock_select_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && drydock_java_ok "$JAVA_HOME"; then
    export JAVA_HOME; return 0
  fi
  local best="" d
  for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
    d=${d%/}
    if [ -x "$d/bin/javac" ] && drydock_java_ok "$d"; then best=$d; break; fi
  done
  if [ -z "$best" ]; then
    drydock_apt_install openjdk-21-jdk-headless >/dev/null 2>&1 || true
    for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
      d=${d%/}
      if [ -x "$d/bin/javac" ] && drydock_java_ok "$d"; then best=$d; break; fi
    done
  fi
  if [ -z "$best" ]; then
    echo "drydock: no JDK 21 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm has: $(ls /usr/lib/jvm 2>/dev/null | tr '\n' ' '))" >&2
    return 1
  fi
  export JAVA_HOME=$best
}

# Installs Debian packages that are missing; runs apt-get update once per call when needed.
drydock_apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "drydock: installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -q >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

drydock_require_maven() {
  command -v mvn >/dev/null 2>&1 || drydock_apt_install maven
}
