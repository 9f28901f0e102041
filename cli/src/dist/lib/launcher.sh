# Sourced by bin/bakery (the released CLI) and ./bakery (the repository's launcher): which Java to
# run, a locale Java can read file names in, and a class-data-sharing archive for a fast start.

# The feature release of a Java binary, from its home's `release` file (no JVM started), else from
# `java -version`.
bakery_major() {
  release=$(dirname "$(dirname "$(readlink -f "$1" 2>/dev/null || printf '%s' "$1")")")/release
  if [ -f "$release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
  else
    "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
  fi
}

# Sets $java to a JDK or JRE >= 21: JAVA_HOME's, else the one on PATH, else the newest under
# /usr/lib/jvm (Debian's default java may be older than the JDK installed next to it); or says why not.
bakery_find_java() {
  java=${JAVA_HOME:+$JAVA_HOME/bin/}java
  if ! command -v "$java" >/dev/null 2>&1 || [ "$(bakery_major "$java")" -lt 21 ] 2>/dev/null; then
    for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
      if [ -x "${candidate}bin/java" ] && [ "$(bakery_major "${candidate}bin/java")" -ge 21 ] 2>/dev/null; then
        java=${candidate}bin/java
        break
      fi
    done
  fi
  if ! command -v "$java" >/dev/null 2>&1; then
    echo "bakery: no java found: install a JDK or JRE 21 or newer, or set JAVA_HOME to one" >&2
    return 2
  fi
  version=$(bakery_major "$java")
  if [ -z "$version" ] || [ "$version" -lt 21 ]; then
    echo "bakery: $java is Java ${version:-of unknown version}; bakery needs 21 or newer: set JAVA_HOME to one" >&2
    return 2
  fi
}

# Java decodes file names with the locale's charset (sun.jnu.encoding, which cannot be overridden on
# the command line): under POSIX, or with no locale at all as in minimal CI images, a non-ASCII name
# in the build context cannot even be opened. Any UTF-8 locale will do; C.UTF-8 always exists.
bakery_utf8_locale() {
  case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    *[Uu][Tt][Ff]-8* | *[Uu][Tt][Ff]8*) ;;
    *) LC_ALL=C.UTF-8 && export LC_ALL ;;
  esac
}

# Sets $cds to the JVM options of a class-data-sharing archive of the CLI's classes, kept per CLI
# version and Java build in the user's cache: the first run writes it as it exits, later runs map
# the classes instead of loading them (about half the start-up). Java checks the archive against the
# jar and itself and rewrites a stale one. Empty (no archive) without a writable cache directory,
# or when BAKERY_CDS=off.
bakery_cds() {
  cds=
  [ "${BAKERY_CDS:-}" != off ] || return 0
  cache=${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}}
  case "$cache" in '' | *[[:space:]]*) return 0 ;; esac # the options are split on spaces
  mkdir -p "$cache/bakery" 2>/dev/null && [ -w "$cache/bakery" ] || return 0
  release=$(dirname "$(dirname "$(readlink -f "$java" 2>/dev/null || printf '%s' "$java")")")/release
  build=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$release" 2>/dev/null | tr -c 'A-Za-z0-9.\n' '_')
  cds="-XX:SharedArchiveFile=$cache/bakery/bakery-$1-java${build:-unknown}.jsa -XX:+AutoCreateSharedArchive -Xlog:cds=off -Xlog:cds+dynamic=off"
}

# Sets $quick to JVM options for commands that end within a second (validate, status, ...): only the
# first JIT tier and the serial collector, which start fastest; a build keeps the default JIT for its
# packing and hashing.
bakery_quick() {
  case "${1:-}" in
    validate | version | completion | status | list | cancel | -V | --version | -h | --help) quick="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" ;;
    *) quick= ;;
  esac
}
