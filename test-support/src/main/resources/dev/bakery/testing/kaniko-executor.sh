#!/busybox/sh
# A stand-in for the Kaniko fork's /kaniko/executor where the build container's contract is concerned
# (the real executor cannot be had here). Like Kaniko it refuses any flag the fork's
# cmd/executor/cmd/root.go does not define, deletes the root filesystem outside its ignore list
# (/kaniko, /etc/mtab, /tmp/apt-key-gpghome and every mount point), runs each Dockerfile RUN line with
# sh -c in that filesystem (the build's own code), prints lines, writes --digest-file after a push, and
# dies on SIGTERM. A RUN failure ends it with Kaniko's message.
known=" annotation bucket build-arg cache cache-copy-layers cache-dir cache-repo cache-run-layers cache-ttl cleanup
 compressed-caching compression compression-level context context-sub-path credential-helpers custom-platform
 destination digest-file dockerfile dryrun force force-build-metadata git ignore-path ignore-var-run
 image-download-retry image-format image-fs-extract-retry image-name-tag-with-digest-file image-name-with-digest-file
 insecure insecure-pull insecure-registry kaniko-dir label log-format log-timestamp materialize no-push no-push-cache
 oci-layout-path pre-cleanup preserve-context push-ignore-immutable-tag-errors push-retry registry-certificate
 registry-client-cert registry-map registry-mirror reproducible secret single-snapshot skip-default-registry-fallback
 skip-push-permission-check skip-tls-verify skip-tls-verify-pull skip-tls-verify-registry skip-unused-stages
 snapshot-mode tar-path target use-new-run verbosity whitelist-var-run "
dockerfile= digest= push=1 destinations=
for arg in "$@"; do
  case "$arg" in
    --*) name=${arg#--}; name=${name%%=*} ;;
    *) echo "Error: unexpected argument \"$arg\""; exit 1 ;;
  esac
  case "$known" in
    *[[:space:]]"$name"[[:space:]]*) ;;
    *) echo "Error: unknown flag: --$name"; exit 1 ;;
  esac
  case "$arg" in
    --dockerfile=*) dockerfile=${arg#*=} ;;
    --digest-file=*) digest=${arg#*=} ;;
    --destination=*) destinations="$destinations ${arg#*=}" ;;
    --no-push) push= ;;
  esac
done
[ -f "$dockerfile" ] || { echo "error resolving dockerfile path: $dockerfile: no such file"; exit 1; }
recipe=$(cat "$dockerfile")
mounts=$(cut -d' ' -f5 /proc/self/mountinfo)
echo "INFO[0000] Deleting filesystem..."
for entry in /* /.[!.]*; do
  [ -e "$entry" ] || [ -L "$entry" ] || continue
  case "$entry" in /kaniko|/proc|/etc) continue ;; esac
  keep=
  for mount in $mounts; do
    case "$mount" in "$entry"|"$entry"/*) keep=1 ;; esac
  done
  [ -n "$keep" ] || rm -rf "$entry"
done
find /etc -mindepth 1 ! -name mtab -exec rm -rf {} + 2>/dev/null
echo "$recipe" | while IFS= read -r line; do
  case "$line" in
    RUN\ *)
      echo "INFO[0001] $line"
      sh -c "${line#RUN }" </dev/null
      rc=$?
      if [ $rc -ne 0 ]; then
        echo "error building image: error building stage: failed to execute command: waiting for process to exit: exit status $rc"
        exit 1
      fi ;;
  esac
done || exit 1
[ -n "$push" ] || { echo "INFO[0002] Skipping push to container registry due to --no-push flag"; exit 0; }
sum=$(echo "$recipe$destinations" | sha256sum | cut -d' ' -f1)
for destination in $destinations; do echo "INFO[0002] Pushed $destination@sha256:$sum"; done
[ -z "$digest" ] || printf 'sha256:%s' "$sum" >"$digest"
