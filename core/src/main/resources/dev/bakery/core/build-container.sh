# The build container's command, run by the Kaniko fork's debug image as it is (its static busybox,
# no other tool) through `env -i`: nothing of the container's environment (the task role's
# AWS_CONTAINER_CREDENTIALS_* or web-identity variables included) reaches this shell, its
# /proc/1/environ, the executor, the scripts or a RUN step. The image's own variables that matter are
# set again below. It talks to the agent only through files on the shared volume (BuildContainer).
# Its own variables start with bakery_ so that the build's env (sourced from the plan) cannot replace them.
export PATH=/usr/local/bin:/kaniko:/busybox HOME=/root USER=root SSL_CERT_DIR=/kaniko/ssl/certs
bakery_stopped=
bakery_child=
trap 'bakery_stopped=1; [ -z "$bakery_child" ] || kill -TERM "$bakery_child"' TERM INT
# The go-ahead comes after the plan, the scripts and the output FIFO exist; "stop" ends the wait.
until [ -e /bakery/go ]; do
  [ -z "$bakery_stopped" ] && [ ! -e /bakery/stop ] || exit 143
  sleep 1
done
exec >/bakery/output 2>&1 </dev/null
# The build's environment, bakery_workspace, bakery_secrets and the executor's arguments ("set --"),
# each value single-quoted by the agent.
. /bakery/plan.sh
# Leaves "STEP EXIT-CODE" for the agent, atomically, and ends.
bakery_finish() {
  echo "$1 $2" >/bakery/exit.new && mv /bakery/exit.new /bakery/exit
  exit "$2"
}
# Runs a step in the background so that a SIGTERM reaches it (the trap) and waits until it has ended.
bakery_run() {
  [ -z "$bakery_stopped" ] || bakery_finish "$1" 143
  echo "##bakery-step $1"
  shift
  "$@" &
  bakery_child=$!
  while :; do
    wait "$bakery_child"
    bakery_rc=$?
    kill -0 "$bakery_child" 2>/dev/null || break
  done
  bakery_child=
  [ -z "$bakery_stopped" ] || bakery_rc=143
  return $bakery_rc
}
cd "$bakery_workspace" || bakery_finish setup 1
if [ -e /bakery/pre-script ]; then bakery_run pre-script sh -e /bakery/pre-script || bakery_finish pre-script $?; fi
bakery_run build /kaniko/executor "$@"
bakery_rc=$?
# The build secrets' files exist for the executor only, never for the post-script.
rm -rf "$bakery_secrets"
[ $bakery_rc -eq 0 ] || bakery_finish build $bakery_rc
if [ -e /bakery/post-script ]; then bakery_run post-script sh -e /bakery/post-script || bakery_finish post-script $?; fi
bakery_finish done 0
